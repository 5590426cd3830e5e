"""Interface strings in Chinese (default) and English."""

from __future__ import annotations

import streamlit as st

LANGS = ("zh", "en")
STRINGS: dict[str, tuple[str, str]] = {
    "app_title": ("菏泽产业园区地图", "Heze Park Map"),
    "language": ("语言 / Language", "语言 / Language"),
    "region": ("城市", "City"),
    "page_map": ("地图", "Map"),
    "page_targets": ("产业目标", "Targets"),
    "page_quality": ("数据质量", "Data quality"),
    "page_import": ("导入数据", "Import"),
    "page_park": ("园区档案", "Park profile"),
    "page_explorer": ("投资选址", "Site explorer"),
    "page_nearby": ("周边查询", "Nearby"),
    "page_compare": ("园区对比", "Compare parks"),
    "park_pick": ("选择园区", "Park"),
    "park_unknown": ("链接中的园区编号无效", "The park id in the link is unknown"),
    "park_precision": ("定位精度", "Location precision"),
    "park_approximate": ("地图上的位置只是所在乡镇或县城的驻地，不是园区本身；距离同样是近似值。",
                         "The map shows the seat of its town or county, not the park itself; "
                         "distances are approximate too."),
    "park_attribute": ("项目", "Attribute"),
    "park_value": ("内容", "Value"),
    "park_surroundings": ("周边 15 km", "15 km around"),
    "park_map_caption": ("虚线圆为园区点周边 15 km；空心标记为近似位置。",
                         "The dashed circle is 15 km around the park's point; hollow markers "
                         "are approximate."),
    "park_no_map": ("位置未知，无法显示地图。", "Location unknown: no map."),
    "park_nearest": ("到最近交通物流设施与县城的直线距离",
                     "Straight-line distance to the nearest hubs"),
    "park_enterprises": ("园区内企业（按产业）", "Enterprises in the park, by industry"),
    "park_projects": ("园区内项目（按阶段）", "Projects in the park, by stage"),
    "park_sources": ("来源", "Sources"),
    "park_compare": ("与其他园区对比 →", "Compare with other parks →"),
    "compare_title": ("园区对比", "Compare parks"),
    "compare_pick": ("选择最多 4 个园区", "Choose up to 4 parks"),
    "compare_placeholder": ("选择园区…", "Choose parks…"),
    "compare_help": ("选择园区后并列对比其类型、级别、面积、四至、认定、主导产业、"
                     "企业与项目、物流距离和来源。",
                     "Pick parks to compare kind, level, area, bounds, recognition, industries, "
                     "enterprises, projects, logistics distance and sources side by side."),
    "compare_xlsx": ("下载对比表（XLSX）", "Download (XLSX)"),
    "compare_csv": ("下载对比表（CSV）", "Download (CSV)"),
    "compare_profile": ("园区档案", "Profile"),
    "explorer_title": ("投资选址：哪个园区适合我的项目？", "Which park fits my project?"),
    "explorer_intro": ("按产业、是否化工项目、用地面积、偏好县区和物流距离为园区打分；"
                       "每个分项都给出理由，权重可调。",
                       "Parks scored by industry fit, chemical-park compliance, area, preferred "
                       "counties and distance to logistics; every score is explained and the "
                       "weights can be changed."),
    "explorer_industry": ("所需产业", "Industry"),
    "explorer_any": ("不限产业", "Any industry"),
    "explorer_chemical": ("化工项目（须进入认定化工园区）",
                          "Chemical project (recognised chemical park required)"),
    "explorer_chemical_help": ("化工项目只能进入省级认定的化工园区；"
                               "勾选后非化工园区一律不合格，排在最后。",
                               "New chemical projects must go into recognised chemical parks: "
                               "other parks are not eligible and rank last."),
    "explorer_area": ("最小面积（km²）", "Minimum area (km²)"),
    "explorer_hub": ("物流枢纽在多少 km 内", "Logistics hub within (km)"),
    "explorer_zero_means_none": ("0 表示不设要求", "0 means no requirement"),
    "explorer_counties": ("偏好县区", "Preferred counties"),
    "explorer_weights": ("权重与评分规则", "Weights and scoring rules"),
    "explorer_weights_used": ("实际权重", "Weights used"),
    "explorer_park": ("园区", "Park"),
    "explorer_score": ("总分", "Score"),
    "explorer_eligible": ("合格", "Eligible"),
    "explorer_why": ("得分理由（前 10）", "Why (top 10)"),
    "explorer_profile": ("查看园区档案 →", "Open the park profile →"),
    "nearby_title": ("周边查询", "What is nearby"),
    "nearby_intro": ("选一个园区或在地图上点一下，设定半径，"
                     "查看范围内的园区、企业和项目（直线距离）。",
                     "Pick a park or click the map, choose a radius, and see the parks, "
                     "enterprises and projects within it (straight line)."),
    "nearby_park": ("中心园区", "Centre park"),
    "nearby_radius": ("半径（km）", "Radius (km)"),
    "nearby_click": ("在地图上单击可把中心移到该点。", "Click the map to move the centre there."),
    "nearby_approx": ("其中 {n} 条为近似位置", "{n} of them approximate"),
    "nearby_approx_col": ("其中近似位置", "of which approximate"),
    "nearby_bad_point": ("链接中的坐标无效，已改用园区位置。", "The point in the link is invalid: "
                         "using the park instead."),
    "import_title": ("导入园区、企业或项目名单", "Import parks, enterprises or projects"),
    "import_intro": ("上传 CSV 或 XLSX（UTF-8、带 BOM 的 UTF-8 或 GBK 编码均可）。逐行检查并离线地理编码；"
                     "有错误的行列出且不导入，提交前不会改动任何已存数据；重复导入同一文件不会产生重复记录。",
                     "Upload CSV or XLSX (UTF-8, UTF-8 with BOM or GBK). Every row is checked and "
                     "geocoded offline; rows with errors are listed and not imported; nothing "
                     "stored changes before you commit; importing a file again adds no "
                     "duplicates."),
    "import_kind": ("名单类型", "List of"),
    "import_file": ("选择文件（CSV 或 XLSX，最大 20 MB）", "File (CSV or XLSX, up to 20 MB)"),
    "import_read": ("已读取行数 · 编码", "Rows read · encoding"),
    "import_column": ("文件中的列", "Column in file"),
    "import_field": ("对应字段", "Field"),
    "import_sure": ("确定", "Sure"),
    "import_field_help": ("留空则不导入该列；address 列用于地理编码",
                          "Leave empty to skip; 'address' is used for geocoding"),
    "import_confirm": ("有些列是猜测的对应关系，请确认或修改后再检查。",
                       "Some columns were matched by a guess: confirm or change them first."),
    "import_check": ("检查并地理编码", "Check and geocode"),
    "import_progress": ("地理编码", "Geocoding"),
    "import_summary": ("{ok} 行可以导入，{bad} 行有错误（见下表，不会导入）。",
                       "{ok} rows can be imported, {bad} rows have errors (listed; not "
                       "imported)."),
    "import_report_csv": ("下载检查报告（CSV）", "Download the report (CSV)"),
    "import_user": ("操作人（记入审计日志）", "Your name (recorded in the audit trail)"),
    "import_commit": ("提交到工作数据库", "Commit to the working store"),
    "import_done": ("已提交：新增 {new}，更新 {updated}，未变 {same}。",
                    "Committed: {new} new, {updated} updated, {same} unchanged."),
    "filters": ("筛选", "Filters"),
    "choose": ("不限（可多选）", "Any (choose one or more)"),
    "county": ("县区", "County"),
    "industry_system": ("产业体系", "Industry system"),
    "system_sei": ("战略性新兴产业（菏政发〔2024〕1号）", "Strategic emerging industries (2024)"),
    "system_231": ("“231”特色产业体系", "The \"231\" industrial system"),
    "industry": ("产业", "Industry"),
    "tier": ("“231”层级", "\"231\" tier"),
    "park_kind": ("园区类型", "Park kind"),
    "stage": ("项目阶段", "Project stage"),
    "stage_unstated": ("阶段未说明", "Stage not stated"),
    "search": ("名称搜索", "Search by name"),
    "search_help": ("按名称、全称或编号查找（不区分全角半角）", "Name, full name or id"),
    "basemap": ("底图", "Basemap"),
    "layers": ("图层", "Layers"),
    "colour_by": ("企业着色依据", "Colour enterprises by"),
    "shown": ("当前显示", "Shown"),
    "parks": ("园区", "Parks"),
    "enterprises": ("企业", "Enterprises"),
    "projects": ("项目", "Projects"),
    "unlocated_title": ("位置未知（未上图）", "Location unknown (not on the map)"),
    "unlocated_help": ("这些记录连所在县区都不确定，只计入表格，不在地图上标注。",
                       "Not even the county is known: counted in tables, not drawn."),
    "approx_caption": ("空心虚线标记为近似位置（乡镇或县城驻地），不是实际位置。",
                       "Hollow dashed markers are approximate (town or county seat), not the site."),
    "data_error": ("数据文件有问题，已继续使用上次有效的数据。", "The data files have problems; "
                   "the last good data is still shown."),
    "data_error_none": ("数据文件有问题，暂时无法显示。", "The data files have problems and "
                        "nothing can be shown yet."),
    "problems": ("问题清单", "Problems"),
    "store_error": ("工作数据库无法打开", "The working store cannot be opened"),
    "data_date": ("数据日期", "Data date"),
    "choropleth_by": ("县区分级", "Counts by county"),
    "no_match": ("没有符合筛选条件的记录。", "No records match the filters."),
    "targets_title": ("战略性新兴产业目标与现有记录", "Strategic industry targets and recorded data"),
    "targets_intro": ("左：菏政发〔2024〕1号 提出的 2025/2027 年目标（原文数值与单位）；"
                      "右：本数据集中对应产业的企业、园区和项目数。两者单位不同，不能直接比较。",
                      "Left: the 2025/2027 targets of 菏政发〔2024〕1号 as written; right: "
                      "what this dataset records for each industry. Units differ; "
                      "they are not comparable."),
    "overall_targets": ("总体目标", "Overall targets"),
    "indicator": ("指标", "Indicator"),
    "industry_targets": ("分产业目标", "Targets by industry"),
    "records_by_industry": ("数据集记录数（按产业）", "Records in the dataset by industry"),
    "quality_title": ("数据质量", "Data quality"),
    "by_precision": ("按定位精度", "By location precision"),
    "by_source": ("按来源", "By source"),
    "source": ("来源", "Source"),
    "total": ("合计", "Total"),
    "failing_rows": ("未通过校验的行", "Rows failing validation"),
    "all_valid": ("所有数据行均通过校验。", "Every data row passes validation."),
    "duplicates": ("疑似重复", "Likely duplicates"),
    "no_duplicates": ("未发现疑似重复。", "No likely duplicates found."),
    "county_only": ("仅定位到县区的记录", "Records located only to county"),
    "town_only": ("仅定位到乡镇的记录", "Records located only to town"),
    "tiers_2": ("两大核心产业", "2 core industries"),
    "tiers_3": ("三个优势产业", "3 advantage industries"),
    "tiers_1": ("一批新兴产业集群", "Emerging clusters"),
    "export_title": ("导出（图片、简报、数据）", "Export (images, briefings, data)"),
    "export_help": ("导出当前筛选与图层下的内容。PNG/PDF/PPTX 为静态排版图"
                    "（标题、图例、比例尺、指北针、来源、数据日期）；"
                    "浏览器截图需本机安装 Chromium；HTML 可离线打开；CSV/GeoJSON/XLSX 为所示记录。",
                    "Exports what the filters and layers show. PNG/PDF/PPTX are print layouts (title, "
                    "legend, scale bar, north arrow, source, data date); the browser snapshot needs "
                    "Chromium on the server; HTML opens offline; CSV/GeoJSON/XLSX hold the rows."),
    "export_map_title": ("图名（留空则自动生成）", "Title (empty: automatic)"),
    "export_title_placeholder": ("例如：菏泽市省级化工园区分布图", "e.g. Heze's chemical parks"),
    "export_width": ("宽(px)", "Width (px)"),
    "export_height": ("高(px)", "Height (px)"),
    "export_download": ("下载", "Download"),
    "export_snapshot": ("截图", "Screenshot"),
    "export_making": ("正在生成", "Making"),
    "export_no_browser": ("没有可用的浏览器", "No browser available"),
    "unexpected_error": ("页面出错了，请刷新重试。", "Something went wrong; please reload."),
}


def lang() -> str:
    """The current interface language ('zh' unless the user switched)."""
    return st.session_state.setdefault("lang", "zh")


def t(key: str, language: str | None = None) -> str:
    zh, en = STRINGS[key]
    return en if (language or lang()) == "en" else zh
