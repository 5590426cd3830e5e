"""How records are shown: styles, popups, folium maps, print maps, tables.

map_look     MapLook: one value for a map's look, also its cache key
style        marker styles, shared-point fan-out, legend, choropleth frames
popups       popup and tooltip HTML, and the canvas layer's popup JSON files
records_map  the records' map: base map drawn once, filters as small updates
edit_map     the edit page's map with the Draw toolbar
print_map    briefing frame texts and the static map behind PNG/PDF/PPTX
tables       record frames as readable tables
"""
