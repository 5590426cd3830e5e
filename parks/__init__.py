"""The domain of Heze Park Map: parks, enterprises, projects and the industry taxonomy."""
