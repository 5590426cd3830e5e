"""Interface strings in Chinese (default) and English."""

from __future__ import annotations

import streamlit as st

from geo.labels import LANGS, Label
from ui.edit_text import EDIT_STRINGS

# Buttons, headings and messages; field and vocabulary labels live on parks.model.schema/vocab.
STRINGS: dict[str, Label] = EDIT_STRINGS | {
    "app_title": Label("产业园区地图", "Industrial Park Map"),  # the city follows: app_heading
    "language": Label("语言 / Language", "语言 / Language"),
    "page_map": Label("地图", "Map"),
    "page_targets": Label("产业目标", "Targets"),
    "page_quality": Label("数据质量", "Data quality"),
    "page_chemical": Label("化工入园", "Chemical parks"),
    "page_import": Label("导入数据", "Import"),
    "page_park": Label("园区档案", "Park profile"),
    "page_explorer": Label("投资选址", "Site explorer"),
    "page_nearby": Label("周边查询", "Nearby"),
    "page_compare": Label("园区对比", "Compare parks"),
    "park_pick": Label("选择园区", "Park"),
    "park_unknown": Label("链接中的园区编号无效", "The park id in the link is unknown"),
    "park_precision": Label("定位精度", "Location precision"),
    "park_approximate": Label("地图上的位置只是所在乡镇或县城的驻地，不是园区本身；距离同样是近似值。",
                              "The map shows the seat of its town or county, not the park itself; "
                              "distances are approximate too."),
    "park_attribute": Label("项目", "Attribute"),
    "park_value": Label("内容", "Value"),
    "park_surroundings": Label("周边 15 km", "15 km around"),
    "park_map_caption": Label("虚线圆为园区点周边 15 km；空心标记为近似位置。",
                              "The dashed circle is 15 km around the park's point; hollow markers "
                              "are approximate."),
    "park_no_map": Label("位置未知，无法显示地图。", "Location unknown: no map."),
    "park_nearest": Label("到最近交通物流设施与县城的直线距离",
                          "Straight-line distance to the nearest hubs"),
    "park_enterprises": Label("园区内企业（按产业）", "Enterprises in the park, by industry"),
    "park_projects": Label("园区内项目（按阶段）", "Projects in the park, by stage"),
    "park_sources": Label("来源", "Sources"),
    "park_compare": Label("与其他园区对比 →", "Compare with other parks →"),
    "compare_title": Label("园区对比", "Compare parks"),
    "compare_pick": Label("选择最多 4 个园区", "Choose up to 4 parks"),
    "compare_placeholder": Label("选择园区…", "Choose parks…"),
    "compare_help": Label("选择园区后并列对比其类型、级别、面积、四至、认定、主导产业、"
                          "企业与项目、物流距离和来源。",
                          "Pick parks to compare kind, level, area, bounds, recognition, industries, "
                          "enterprises, projects, logistics distance and sources side by side."),
    "compare_xlsx": Label("下载对比表（XLSX）", "Download (XLSX)"),
    "compare_csv": Label("下载对比表（CSV）", "Download (CSV)"),
    "compare_profile": Label("园区档案", "Profile"),
    "explorer_title": Label("投资选址：哪个园区适合我的项目？", "Which park fits my project?"),
    "explorer_intro": Label("按产业、是否化工项目、用地面积、偏好县区和物流距离为园区打分；"
                            "每个分项都给出理由，权重可调。",
                            "Parks scored by industry fit, chemical-park compliance, area, preferred "
                            "counties and distance to logistics; every score is explained and the "
                            "weights can be changed."),
    "explorer_industry": Label("所需产业", "Industry"),
    "explorer_any": Label("不限产业", "Any industry"),
    "explorer_chemical": Label("化工项目（须进入认定化工园区）",
                               "Chemical project (recognised chemical park required)"),
    "explorer_chemical_help": Label("化工项目只能进入省级认定的化工园区；"
                                    "勾选后非化工园区一律不合格，排在最后。",
                                    "New chemical projects must go into recognised chemical parks: "
                                    "other parks are not eligible and rank last."),
    "explorer_area": Label("最小面积（km²）", "Minimum area (km²)"),
    "explorer_hub": Label("物流枢纽在多少 km 内", "Logistics hub within (km)"),
    "explorer_zero_means_none": Label("0 表示不设要求", "0 means no requirement"),
    "explorer_counties": Label("偏好县区", "Preferred counties"),
    "explorer_weights": Label("权重与评分规则", "Weights and scoring rules"),
    "explorer_weights_used": Label("实际权重", "Weights used"),
    "explorer_score": Label("总分", "Score"),
    "explorer_eligible": Label("合格", "Eligible"),
    "explorer_why": Label("得分理由（前 10）", "Why (top 10)"),
    "explorer_profile": Label("查看园区档案 →", "Open the park profile →"),
    "nearby_title": Label("周边查询", "What is nearby"),
    "nearby_intro": Label("选一个园区或在地图上点一下，设定半径，"
                          "查看范围内的园区、企业和项目（直线距离）。",
                          "Pick a park or click the map, choose a radius, and see the parks, "
                          "enterprises and projects within it (straight line)."),
    "nearby_park": Label("中心园区", "Centre park"),
    "nearby_radius": Label("半径（km）", "Radius (km)"),
    "nearby_click": Label("在地图上单击可把中心移到该点。", "Click the map to move the centre there."),
    "nearby_approx": Label("其中 {n} 条为近似位置", "{n} of them approximate"),
    "nearby_approx_col": Label("其中近似位置", "of which approximate"),
    "import_title": Label("导入园区、企业或项目名单", "Import parks, enterprises or projects"),
    "import_intro": Label("上传 CSV 或 XLSX（UTF-8、带 BOM 的 UTF-8 或 GBK 编码均可）。"
                          "逐行检查并离线地理编码；"
                          "有错误的行列出且不导入，提交前不会改动任何已存数据；重复导入同一文件不会产生重复记录。",
                          "Upload CSV or XLSX (UTF-8, UTF-8 with BOM or GBK). Every row is checked and "
                          "geocoded offline; rows with errors are listed and not imported; nothing "
                          "stored changes before you commit; importing a file again adds no "
                          "duplicates."),
    "import_kind": Label("名单类型", "List of"),
    "import_file": Label("选择文件（CSV 或 XLSX，最大 {mb} MB）", "File (CSV or XLSX, up to {mb} MB)"),
    "import_read": Label("已读取行数 · 编码", "Rows read · encoding"),
    "import_column": Label("文件中的列", "Column in file"),
    "import_field": Label("对应字段", "Field"),
    "import_sure": Label("确定", "Sure"),
    "import_field_help": Label("留空则不导入该列；“地址”列用于地理编码",
                               "Leave empty to skip; the address is used for geocoding"),
    "import_confirm": Label("有些列是猜测的对应关系，请确认或修改后再检查。",
                            "Some columns were matched by a guess: confirm or change them first."),
    "import_check": Label("检查并地理编码", "Check and geocode"),
    "import_progress": Label("地理编码", "Geocoding"),
    "import_summary": Label("{ok} 行可以导入，{bad} 行有错误（见下表，不会导入）。",
                            "{ok} rows can be imported, {bad} rows have errors (listed; not "
                            "imported)."),
    "import_report_csv": Label("下载检查报告（CSV）", "Download the report (CSV)"),
    "import_user": Label("操作人（记入审计日志）", "Your name (recorded in the audit trail)"),
    "import_commit": Label("提交到工作数据库", "Commit to the working store"),
    "import_done": Label("已提交：新增 {new}，更新 {updated}，未变 {same}。",
                         "Committed: {new} new, {updated} updated, {same} unchanged."),
    "filters": Label("筛选", "Filters"),
    "choose": Label("不限（可多选）", "Any (choose one or more)"),
    "industry_system": Label("产业体系", "Industry system"),
    "tier": Label("“231”层级", "\"231\" tier"),
    "park_kind": Label("园区类型", "Park kind"),
    "stage": Label("项目阶段", "Project stage"),
    "stage_unstated": Label("阶段未说明", "Stage not stated"),
    "search": Label("名称搜索", "Search by name"),
    "search_help": Label("按名称、全称或编号查找（不区分全角半角）", "Name, full name or id"),
    "basemap": Label("底图", "Basemap"),
    "basemap_how": Label("无离线 OSM 底图：取得本地区的 .osm.pbf 文件后运行 `python -m parks basemap "
                         "build 文件.osm.pbf`，重新打开页面即可（见 README「离线底图」）。",
                         "No offline OSM basemap: get an .osm.pbf extract of the region and run "
                         "`python -m parks basemap build FILE.osm.pbf`, then reload (README, "
                         "\"Offline basemap\")."),
    "basemap_unreadable": Label("离线底图无法读取，仅显示县界：{problem}",
                                "The offline basemap cannot be read; showing outlines only: "
                                "{problem}"),
    "layers": Label("图层", "Layers"),
    "colour_by": Label("企业着色依据", "Colour enterprises by"),
    "shown": Label("当前显示", "Shown"),
    "table_of": Label("在表格中列出", "List in a table"),
    "table_help": Label("点选一类，列出地图上的这类记录；再点一次收起。"
                        "筛选改变时表格保持打开，链接也记住它。",
                        "Pick a kind to list the records of that kind on the map; click it again to "
                        "close. "
                        "The table stays open as filters change, and links keep it."),
    "unlocated_title": Label("位置未知（未上图）", "Location unknown (not on the map)"),
    "unlocated_help": Label("这些记录连所在县区都不确定，只计入表格，不在地图上标注。",
                            "Not even the county is known: counted in tables, not drawn."),
    "approx_caption": Label("空心虚线标记为近似位置（乡镇或县城驻地），不是实际位置。",
                            "Hollow dashed markers are approximate (town or county seat), not the site."),
    # the map page, readable at every count (issue 18 item 1)
    "kind_scope": Label("仅作用于园区图层；企业和项目不受此筛选影响。",
                        "Applies to parks only; enterprises and projects stay."),
    "stage_scope": Label("仅作用于项目图层；园区和企业不受此筛选影响。",
                         "Applies to projects only; parks and enterprises stay."),
    "map_empty": Label("没有符合当前筛选的记录。", "No record matches the current filters."),
    "map_empty_relax": Label("没有符合当前筛选的记录。去掉「{names}」筛选可看到 {n} 条记录。",
                             "No record matches the current filters. Without the {names} filter, "
                             "{n} records would show."),
    "data_error": Label("数据文件有问题，已继续使用上次有效的数据。", "The data files have problems; "
                        "the last good data is still shown."),
    "data_error_none": Label("数据文件有问题，暂时无法显示。", "The data files have problems and "
                             "nothing can be shown yet."),
    "problems": Label("问题清单", "Problems"),
    "store_error": Label("工作数据库无法打开", "The working store cannot be opened"),
    "data_date": Label("数据日期", "Data date"),
    "choropleth_by": Label("县区分级", "Counts by county"),
    "table_truncated": Label("表中只列出前 {shown:,} 条（共 {total:,} 条）；完整记录请用导出。",
                             "Showing the first {shown:,} of {total:,} rows; exports hold them all."),
    "no_match": Label("没有符合筛选条件的记录。", "No records match the filters."),
    "targets_title": Label("战略性新兴产业目标与现有记录", "Strategic industry targets and recorded data"),
    "targets_intro": Label("左：菏政发〔2024〕1号 提出的 2025/2027 年目标（原文数值与单位）；"
                           "右：本数据集中对应产业的企业、园区和项目数。两者单位不同，不能直接比较。",
                           "Left: the 2025/2027 targets of 菏政发〔2024〕1号 as written; right: "
                           "what this dataset records for each industry. Units differ; "
                           "they are not comparable."),
    "overall_targets": Label("总体目标", "Overall targets"),
    "indicator": Label("指标", "Indicator"),
    "industry_targets": Label("分产业目标", "Targets by industry"),
    "records_by_industry": Label("数据集记录数（按产业）", "Records in the dataset by industry"),
    "quality_title": Label("数据质量", "Data quality"),
    "chem_title": Label("化工企业入园率", "Chemical enterprises inside chemical parks"),
    "chem_intro": Label(
        "按园区标绘范围判定：企业点位（实测或标绘）落在认定化工园区（或其片区）范围内即为入园；只知乡镇或"
        "县区的企业，以及所在县区尚有化工园区未标绘范围时落在范围外的企业，无法判定，不计入园，也不计入"
        "分母。入园率 = 园内 ÷（园内 + 园外）。",
        "Decided from park outlines: an enterprise whose point (surveyed or digitised) lies inside a "
        "recognised chemical park (or one of its areas) is inside; one known only to its town or "
        "county, or outside every outline in a county where a chemical park has no outline yet, "
        "cannot be decided and counts neither way. Rate = inside ÷ (inside + outside)."),
    "chem_firms": Label("化工企业", "Chemical enterprises"),
    "chem_inside": Label("园内", "Inside"),
    "chem_outside": Label("园外", "Outside"),
    "chem_undecidable": Label("无法判定", "Undecidable"),
    "chem_rate": Label("入园率", "Rate inside"),
    "chem_no_rate": Label("—（尚无可判定的企业：园区需有标绘范围，企业需有实测/标绘点位）",
                          "— (nothing decidable yet: parks need outlines, enterprises surveyed "
                          "or digitised points)"),
    "chem_by_county": Label("分县区", "By county"),
    "chem_outside_list": Label("园外化工企业（距最近化工园区）", "Chemical enterprises outside "
                               "(distance to the nearest chemical park)"),
    "chem_code": Label("代码", "Code"),
    "nearby_in_chem": Label("该点在化工园区「{park}」的标绘范围内。",
                            "This point lies inside the outline of the chemical park {park}."),
    "nearby_not_in_chem": Label("该点不在任何已标绘的化工园区范围内（另有 {n} 个化工园区尚无标绘范围，"
                                "无法排除）。",
                                "This point lies in no outlined chemical park ({n} chemical parks "
                                "have no outline yet and cannot be ruled out)."),
    "table_inside": Label("「所在园区」按园区标绘范围判定；其中 {n:,} 条只知乡镇或县区，是否在园待定，"
                          "不计入园内。",
                          "\"In park\" is decided by park outlines; "
                          "{n:,} of these are known only to their town or county: undecidable, "
                          "never counted as inside."),
    "table_inside_parks": Label("范围内企业、项目按园区标绘范围计（含其片区），“—”为尚无范围；"
                                "另有 {n:,} 条企业和项目只知乡镇或县区，是否在园待定。",
                                "Enterprises and projects inside are counted by the park's outline "
                                "(its 片区 included); \"—\": no outline yet. {n:,} enterprises and "
                                "projects are known only to their town or county: undecidable."),
    "park_members": Label("园区范围内（按标绘范围判定）", "Inside the park (by its outline)"),
    "park_no_outline": Label("本园区尚无标绘范围，无法判定哪些企业、项目在园内。可在「编辑数据」绘制，或用 "
                             "`python -m parks outline import` 导入界址点坐标表。",
                             "This park has no outline yet, so who is inside cannot be decided. Draw "
                             "it on the edit page or import its 界址点 table with `python -m parks "
                             "outline import`."),
    "park_members_enterprises": Label("园内企业", "Enterprises inside"),
    "park_members_projects": Label("园内项目", "Projects inside"),
    "park_members_undecidable": Label("本县区无法判定", "Undecidable in its county"),
    "park_members_help": Label("只知乡镇或县区位置的企业和项目，不计入园内。",
                               "Records known only to their town or county are never counted "
                               "inside."),
    "chem_county_unknown": Label("县区未知", "County unknown"),
    "chem_none_outside": Label("无（只列出点位可判定的园外企业）",
                               "None (only enterprises whose point decides it are listed)"),
    "chem_why": Label("说明", "Why"),
    "chem_codes": Label("计为化工企业的产业代码", "Industry codes counted as chemical"),
    "chem_nearest": Label("最近化工园区", "Nearest chemical park"),
    "chem_distance": Label("距离（km）", "Distance (km)"),
    "chem_to_outline": Label("按范围线", "To the outline"),
    "by_precision": Label("按定位精度", "By location precision"),
    "by_source": Label("按来源", "By source"),
    "total": Label("合计", "Total"),
    "by_functional_area": Label("按功能区", "By functional area"),
    "no_functional_area": Label("没有记录位于功能区（经开区、高新区所辖街道镇）",
                                "No record lies in a functional area (the streets and towns the "
                                "development zones administer)"),
    "failing_rows": Label("未通过校验的行", "Rows failing validation"),
    "all_valid": Label("所有数据行均通过校验。", "Every data row passes validation."),
    "duplicates": Label("疑似重复", "Likely duplicates"),
    "no_duplicates": Label("未发现疑似重复。", "No likely duplicates found."),
    "duplicates_neighbours": Label(
        "{table}记录较多（{n:,} 条）：只比较按名称排序相邻的记录（及名称相同者），不逐对比较；"
        "较小的表仍逐对比较。",
        "{table}: {n:,} records, so only names next to each other in sorted order (and identical "
        "ones) are compared, not every pair; smaller tables still are."),
    "duplicates_identical": Label(
        "{table}记录较多（{n:,} 条）：只列出同一县区内去除通用词后名称相同的记录；较小的表"
        "比较范围更广。",
        "{table}: {n:,} records, so only records of one county whose names are the same once "
        "generic words are removed are listed; smaller tables are searched more widely."),
    "county_only": Label("仅定位到县区的记录", "Records located only to county"),
    "town_only": Label("仅定位到乡镇的记录", "Records located only to town"),
    "export_title": Label("导出（图片、简报、数据）", "Export (images, briefings, data)"),
    "export_help": Label("导出当前筛选与图层下的内容。PNG/PDF/PPTX 为静态排版图"
                         "（标题、图例、比例尺、指北针、来源、数据日期）；"
                         "浏览器截图需本机安装 Chromium；HTML 可离线打开；CSV/GeoJSON/XLSX 为所示记录。",
                         "Exports what the filters and layers show. PNG/PDF/PPTX are print layouts (title, "
                         "legend, scale bar, north arrow, source, data date); the browser snapshot needs "
                         "Chromium on the server; HTML opens offline; CSV/GeoJSON/XLSX hold the rows."),
    "export_map_title": Label("图名（留空则自动生成）", "Title (empty: automatic)"),
    "export_title_placeholder": Label("例如：菏泽市省级化工园区分布图", "e.g. Heze's chemical parks"),
    "export_width": Label("宽(px)", "Width (px)"),
    "export_height": Label("高(px)", "Height (px)"),
    "export_download": Label("下载", "Download"),
    "export_snapshot": Label("PNG（浏览器截图）", "PNG (browser screenshot)"),
    "export_png": Label("PNG（排版图）", "PNG (print layout)"),
    "export_current_view": Label("地图只显示当前视图（上方地图缩放到的范围）",
                                 "Map shows the current view only (where the map above is zoomed)"),
    "export_view_unknown": Label("尚未记录地图视图（请先平移或缩放地图），将导出全区域。",
                                 "No map view recorded yet (pan or zoom the map first): the whole "
                                 "region is exported."),
    "export_making": Label("正在生成", "Making"),
    "export_no_browser": Label("没有可用的浏览器", "No browser available"),
    "export_too_many_rows": Label(
        "{fmt} 每个图层最多 {limit:,} 条记录（导入能读回的上限），当前视图有 {rows:,} 条：请缩小筛选"
        "范围，或导出 CSV / GeoJSON（条数不限）",
        "{fmt} takes at most {limit:,} records per layer (what an import reads back); this view "
        "has {rows:,}: narrow the filters, or export CSV / GeoJSON (any number)"),
    "page_edit": Label("编辑数据", "Edit records"),
    "page_admin": Label("账户与基线", "Editors & baseline"),
    "login_title": Label("编辑登录", "Editor login"),
    "login_name": Label("用户名", "User name"),
    "login_password": Label("密码", "Password"),
    "login": Label("登录", "Log in"),
    "logout": Label("退出登录", "Log out"),
    "login_as": Label("已登录：{name}（{role}）", "Logged in as {name} ({role})"),
    "role_editor": Label("编辑", "editor"),
    "role_admin": Label("管理员", "admin"),
    "login_failed": Label("用户名或密码不正确。", "Wrong user name or password."),
    "login_revoked": Label("账号已被移除或其角色、密码已更改：请重新登录。",
                           "Your account was removed or its role or password changed: "
                           "please log in again."),
    "login_wait": Label("失败次数过多，请 {s} 秒后再试。", "Too many failed attempts; try again in {s} s."),
    "login_help": Label("浏览无需登录；修改数据需要编辑账户。",
                        "Viewing needs no login; editing needs an editor account."),
    "login_needed": Label("此页面用于修改数据，请先在左侧栏“编辑登录”中登录。",
                          "This page changes records: log in under “Editor login” in the sidebar first."),
    "login_no_editors": Label("尚无编辑账户。管理员可在服务器上运行："
                              "python -m parks editors add 用户名 --admin",
                              "No editor accounts yet. An administrator runs on the server: "
                              "python -m parks editors add NAME --admin"),
    "admin_needed": Label("此页面仅限管理员。", "This page is for administrators only."),
    "admin_title": Label("编辑账户与数据基线", "Editors and the data baseline"),
    "admin_editors": Label("编辑账户", "Editor accounts"),
    "admin_add": Label("添加或重置账户", "Add or reset an account"),
    "admin_role": Label("角色", "Role"),
    "admin_replace": Label("账户已存在时重置其密码与角色", "Reset password and role if the account exists"),
    "admin_added": Label("已保存账户 {name}。", "Saved account {name}."),
    "admin_remove": Label("删除账户", "Remove account"),
    "admin_removed": Label("已删除账户 {name}。", "Removed account {name}."),
    "admin_baseline": Label("导出数据基线", "Export the data baseline"),
    "admin_baseline_help": Label("把工作库导出为 data/ 格式的 CSV、园区范围 GeoJSON 和审计日志（ZIP）。"
                                 "审核后复制到 data/ 并提交，即成为新的基线。",
                                 "The working store as data/-style CSVs, park outlines as GeoJSON and the "
                                 "audit log (ZIP). Review, copy into data/ and commit: that is the new "
                                 "baseline."),
    "admin_baseline_download": Label("下载基线 ZIP", "Download the baseline ZIP"),
    "unexpected_error": Label("页面出错了，请刷新重试。", "Something went wrong; please reload."),
    "link_unreadable": Label("链接中有无法读取的值，已忽略：",
                             "The link holds values that cannot be read, ignored: "),
    "map_assets_missing": Label("地图无法显示：{dir} 中缺少 {n} 个地图资源文件（{files}）。"
                                "请在项目目录运行 ./scripts/setup.sh（或 python -m geo assets fetch），"
                                "然后刷新页面。",
                                "The map cannot be shown: {n} map asset files are missing from {dir} "
                                "({files}). Run ./scripts/setup.sh in the project folder (or python -m "
                                "geo assets fetch), then reload the page."),
    "map_assets_linked": Label("地图无法显示：{dir} 是指向 {target} 的符号链接，"
                               "Streamlit 不会经由它提供文件。"
                               "请把这些文件复制到 {dir}（或删除该链接后运行 ./scripts/setup.sh），"
                               "然后刷新页面。",
                               "The map cannot be shown: {dir} is a symbolic link to {target}, and "
                               "Streamlit does not serve files through it. Copy the files into {dir} "
                               "(or remove the link and run ./scripts/setup.sh), then reload the page."),
    # investor pages (issue 18 item 5)
    "explorer_parts": Label("片区数", "Parts"),
    "explorer_part": Label("片区 {name}：{score:.1f} 分", "Part {name}: {score:.1f} points"),
    "explorer_points": Label("各分项为其在总分中的分数（权重 × 分项 × 100），相加即总分。", "Each "
                             "component shows its points of the total (weight × component × 100). "),
    "explorer_no_outlines": Label("尚无园区有标绘范围：园区内同产业企业数暂不统计，不加分。", "No park "
                                  "has an outline yet: firms of the industry inside are not counted."),
    "nearby_map_point": Label("地图上选的点（{lat:.5f}, {lon:.5f}）", "Map point ({lat:.5f}, {lon:.5f})"),
    "nearby_same_seat": Label("同一驻地，距离未知", "same seat, distance unknown"),
    # one language all the way through (issue 18 item 3, interface half)
    "nearest_category": Label("类别", "Kind of place"),
    "nearest_name": Label("名称", "Name"),
    "nearest_approximate": Label("近似", "Approximate"),
    "targets_source_text": Label("原文", "Source text"),
    "import_address": Label("地址（用于地理编码）", "Address (for geocoding)"),
    # a prepared snapshot (issue 21)
    "data_loading": Label("正在载入数据……", "Loading data…"),
    "data_updating": Label("数据已更新，正在准备新版本；此处暂显示上一版本，稍后刷新即可看到更改。",
                           "The data has changed and its new version is being prepared; this "
                           "page shows the previous version until then: reload shortly to see "
                           "the change."),
}


def lang() -> str:
    """The current interface language (ui.session.init_session sets it before any page runs)."""
    return st.session_state.get("lang", LANGS[0])


def t(key: str, language: str | None = None) -> str:
    """The interface string `key` in `language` (default: the current interface language)."""
    return STRINGS[key].get(language or lang())
