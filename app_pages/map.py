"""Map page: filters → filtered records → map, legend, and a table of what the map shows."""

import streamlit as st

from parks.analysis.stats import data_date
from parks.display.map_look import MapLook
from parks.display.records_map import filter_update
from parks.model.schema import SPECS
from ui import first_paint, loaders
from ui.i18n import lang, t
from ui.map_export import export_panel
from ui.map_filters import empty_note, filter_widgets, map_option_widgets, select
from ui.map_tables import record_tables
from ui.map_widget import MapUpdate
from ui.permalink import publish, restore
from ui.session import app_heading, region

restore("map")


# A filter change reruns this fragment only: navigation, language, city and login stay as they
# are (browser main thread per change 271 → 250 ms, measured; the load test's bottleneck).
@st.fragment
def map_view() -> None:
    """The page below the navigation: filters, counts, map, export and tables."""
    language = lang()
    dataset = loaders.dataset(region())
    if dataset is None:
        return
    first = first_paint.active()  # the page down to the map, the rest once the map is drawn
    if first and first_paint.told():
        first_paint.drawn()
    filters = filter_widgets(dataset, language, shown=not first)
    options = map_option_widgets(language, shown=not first)
    tax = dataset.taxonomy
    selection = select(dataset, filters, options.layers)

    st.title(app_heading(language, dataset.region.adcode))
    cols = st.columns(4)  # on the first paint too: the map does not move when the rest comes
    for col, name in zip(cols, ("parks", "enterprises", "projects"), strict=False):
        col.metric(SPECS[name].label.get(language), len(selection.frames()[name]))
    cols[3].metric(t("data_date"), data_date(selection.frames()) or "—")  # of what is shown
    if note := empty_note(dataset, selection, filters, options.layers, language):
        st.info(note)

    look = MapLook(options.basemap, language, options.system, tuple(options.layers),
                   view_scope=f"map-{dataset.region.adcode}")
    update = MapUpdate(lambda: filter_update(dataset, selection, look, counties=filters.counties),
                       key=(filters, look))
    if loaders.show_base_map(dataset, look, update=update, key="map_main") and first:
        first_paint.drawn()
    if first:
        return
    st.caption(t("approx_caption"))
    export_panel(dataset, selection, filters, lang=language, system=options.system,
                 layers=options.layers, basemap=options.basemap)

    park_names = dict(zip(dataset.parks["id"], dataset.parks["name_zh"], strict=True))
    record_tables(selection.frames(), tax, language, park_names, key="map_table",
                  inside=loaders.inside(dataset))
    publish("map")  # last: the table choice is known only once it is drawn


map_view()
