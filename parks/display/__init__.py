"""How records are shown: styles, popups, folium maps, print maps, tables."""
