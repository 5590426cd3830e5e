"""Generic geospatial code for the app: coordinate systems, boundaries, gazetteer and folium maps."""
