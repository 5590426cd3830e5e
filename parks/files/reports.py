"""One-page briefings: an A4 PDF (map, summary tables, sources, date) and 16:9 PPTX slides."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pandas as pd
from matplotlib import rc_context
from matplotlib.figure import Figure

from geo.labels import Label
from geo.static_map import cjk_font, draw_legend, draw_map, draw_qr, missing_note, qr_png
from parks.analysis.membership import Memberships, membership_of
from parks.analysis.query import Filters, Selection
from parks.analysis.stats import (
    counts_by_county,
    counts_by_functional_area,
    main_projects,
    records_by_industry,
)
from parks.display.print_map import (
    BriefingSpec,
    briefing_frame,
    map_bounds,
    map_layers,
    map_png,
)
from parks.model.dataset import Dataset
from parks.model.schema import TABLES, field_heading
from parks.model.vocab import STAGE

BY_COUNTY = Label("按县区统计", "By county")
BY_INDUSTRY = Label("按产业统计（战略性新兴产业）", "By strategic industry")
MAIN_PROJECTS = Label("主要项目（按阶段、投资）", "Main projects (by stage, investment)")
PROJECT = Label("项目", "Project")
TOTAL = Label("合计", "Total")
COUNTY_UNKNOWN = Label("县区未知", "County unknown")
# a functional area's records, beside the counties (they are also in their county's row)
AREA_ROW = Label("功能区：{name}", "Zone: {name}")
NONE = Label("（无）", "(none)")
GENERATED = Label("生成日期", "Generated")
MORE = Label("另有 {n} 个项目未列出", "{n} more not listed")


def _counts_header(first: str, lang: str) -> list[str]:
    """A summary table's heading: the row label, then one column per record table."""
    return [field_heading(first, lang), *(spec.label.get(lang) for spec in TABLES)]


def county_table(dataset: Dataset, selection: Selection, lang: str) -> list[list[str]]:
    """Rows of the county table: name and parks/enterprises/projects shown, then each functional
    area holding a shown record (Heze's statistics report them beside the counties), unknown and
    total."""
    frames = selection.frames()
    counts = counts_by_county(frames, dataset.counties)
    rows = [[r.name_zh, str(r.parks), str(r.enterprises), str(r.projects)]
            for r in counts.itertuples(index=False)]
    rows += [[AREA_ROW.get(lang).format(name=r.functional_area), str(r.parks),
              str(r.enterprises), str(r.projects)]
             for r in counts_by_functional_area(frames).itertuples(index=False)]
    unknown = [str(int((frames[t]["county_adcode"] == "").sum()))
               for t in ("parks", "enterprises", "projects")]
    total = [TOTAL.get(lang), *(str(len(frames[t])) for t in ("parks", "enterprises",
                                                                 "projects"))]
    return [*rows, [COUNTY_UNKNOWN.get(lang), *unknown], total]


def industry_table(dataset: Dataset, selection: Selection, lang: str) -> list[list[str]]:
    """Rows of the industry table: industry label and parks/enterprises/projects shown per industry."""
    long = records_by_industry(selection.frames(), dataset.taxonomy, "sei")
    wide = long.pivot_table(index="industry", columns="table", values="count", sort=False)
    return [[dataset.taxonomy.get(code).label.get(lang),
             *(str(int(wide.loc[code].get(t, 0))) for t in ("parks", "enterprises", "projects"))]
            for code in wide.index]


def project_table(selection: Selection, lang: str, limit: int = 8) -> list[list[str]]:
    """Rows of the main-projects table (name, stage, investment, county), at most `limit` of them."""
    top = main_projects(selection.projects, limit)
    rows = [[r.name_zh[:30], STAGE.label(r.stage, lang) if r.stage else (r.stage_text[:12] or "—"),
             f"{r.investment_yi:g}" if pd.notna(r.investment_yi) else "—",
             r.county or "—"] for r in top.itertuples(index=False)]
    if len(selection.projects) > limit:
        rows.append([MORE.format(lang, n=len(selection.projects) - limit), "", "", ""])
    return rows or [[NONE.get(lang), "", "", ""]]


def _table(fig: Figure, rect: tuple[float, float, float, float], title: str,
           header: list[str], rows: list[list[str]], widths: list[float]) -> None:
    ax = fig.add_axes(rect)
    ax.set_axis_off()
    ax.text(0, 1.02, title, fontsize=9, fontweight="bold", va="bottom", transform=ax.transAxes)
    table = ax.table(cellText=rows, colLabels=header, colWidths=widths, loc="upper left",
                     cellLoc="left", colLoc="left")
    table.auto_set_font_size(value=False)
    table.set_fontsize(6.5)
    table.scale(1, 1.05)
    for (row, _col), cell in table.get_celld().items():
        cell.set_linewidth(0.3)
        if row == 0:
            cell.set_facecolor("#E8ECF1")


def briefing_pdf(dataset: Dataset, selection: Selection, spec: BriefingSpec,
                 filters: Filters | None = None, inside: Memberships | None = None) -> bytes:
    """An A4 page: title, map with legend, three summary tables, sources, the figures line
    (入园率, members), dates and note. `inside`: the dataset's memberships when at hand."""
    lang, frame = spec.lang, briefing_frame(dataset, selection, spec, filters or Filters(), inside)
    with rc_context({"font.family": [cjk_font(), "DejaVu Sans"], "pdf.fonttype": 42}):
        fig = Figure(figsize=(8.27, 11.69), dpi=150, facecolor="white")
        fig.text(0.06, 0.965, frame.title, fontsize=15, fontweight="bold", va="top")
        fig.text(0.06, 0.935, frame.subtitle, fontsize=8.5, va="top", color="#444444", wrap=True)
        fig.text(0.94, 0.965, frame.data_date, fontsize=8.5, va="top",
                 ha="right")
        ax = fig.add_axes((0.06, 0.55, 0.66, 0.36))
        missing = draw_map(ax, map_layers(dataset, selection, spec, 0.66 * 8.27 * 150),
                           map_bounds(dataset, spec), point_size=4.5,
                           label_size=6.5, north=frame.north, archive=spec.archive, lang=lang)
        if missing:
            fig.text(0.72, 0.545, missing_note(frame, missing), fontsize=6, ha="right", va="top",
                     color="#8A4B00")
        _legend_column(fig, frame)
        _table(fig, (0.06, 0.30, 0.42, 0.22), BY_COUNTY.get(lang), _counts_header("county_adcode", lang),
               county_table(dataset, selection, lang), [0.34, 0.22, 0.22, 0.22])
        _table(fig, (0.52, 0.30, 0.42, 0.22), BY_INDUSTRY.get(lang), _counts_header("industry", lang),
               industry_table(dataset, selection, lang), [0.46, 0.18, 0.18, 0.18])
        _table(fig, (0.06, 0.115, 0.88, 0.15), MAIN_PROJECTS.get(lang),
               [PROJECT.get(lang), *(field_heading(k, lang)
                                     for k in ("stage", "investment_yi", "county_adcode"))],
               project_table(selection, lang), [0.58, 0.16, 0.13, 0.13])
        fig.text(0.06, 0.08, frame.figures, fontsize=7, va="bottom", color="#1F3A5F")
        fig.text(0.06, 0.075, frame.source, fontsize=6.5, va="top", wrap=True, color="#333333")
        fig.text(0.06, 0.035, f"{frame.note}　{GENERATED.get(lang)}: {date.today()}",
                 fontsize=6.5, va="bottom", color="#8A4B00", wrap=True)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="pdf")
    return buffer.getvalue()


def _legend_column(fig: Figure, frame) -> None:
    """The legend right of the map; the QR code of the link at its foot when there is one."""
    legend_bottom = 0.55
    if frame.link:  # a 0.1-wide square (A4: 0.0707 high), its caption under it
        draw_qr(fig.add_axes((0.74, 0.567, 0.1, 0.0707)), frame.link, frame.link_label, size=5)
        legend_bottom = 0.655
    if frame.legend:
        draw_legend(fig.add_axes((0.74, legend_bottom, 0.22, 0.91 - legend_bottom)),
                    frame.legend, size=6)


def briefing_pptx(slides: list[tuple[Dataset, Selection, BriefingSpec, Filters | None]],
                  inside: Memberships | None = None) -> bytes:
    """One 16:9 slide per map: title, subtitle, the map with its legend, source line, figures
    line (入园率, members) and note. `inside`: the memberships, when every slide is of one
    dataset and they are at hand."""
    from pptx import Presentation  # imported here: only PPTX export needs it
    from pptx.util import Inches, Pt

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
    for dataset, selection, spec, filters in slides:
        found = inside or membership_of(dataset)
        frame = briefing_frame(dataset, selection, spec, filters or Filters(), found)
        slide = deck.slides.add_slide(deck.slide_layouts[6])  # blank layout
        wide = Inches(11.6 if frame.link else 12.5)  # the QR code takes the top right
        _textbox(slide, Inches(0.4), Inches(0.2), wide, Inches(0.6), frame.title, Pt(26),
                 bold=True)
        _textbox(slide, Inches(0.4), Inches(0.8), wide, Inches(0.4),
                 f"{frame.subtitle}　{frame.data_date}", Pt(12))
        png = map_png(dataset, selection, _slide_spec(spec), filters, bare=True, inside=found)
        slide.shapes.add_picture(io.BytesIO(png), Inches(0.4), Inches(1.25), width=Inches(12.5))
        for top, text in ((6.7, frame.source), (6.95, frame.figures), (7.2, frame.note)):
            _textbox(slide, Inches(0.4), Inches(top), Inches(12.5), Inches(0.3), text, Pt(9))
        if frame.link:  # top right, beside the title
            slide.shapes.add_picture(io.BytesIO(qr_png(frame.link)), Inches(12.1), Inches(0.12),
                                     height=Inches(1.05))
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def _slide_spec(spec: BriefingSpec) -> BriefingSpec:
    """The map image fits the slide's 12.5 × 5.45 in body."""
    return replace(spec, width_px=2250, height_px=980, dpi=180)


def _textbox(slide, left, top, width, height, text: str, size, *, bold: bool = False) -> None:
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    run = frame.paragraphs[0].add_run()
    run.text = text
    run.font.size = size
    run.font.bold = bold
