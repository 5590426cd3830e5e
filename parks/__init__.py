"""The domain of Heze Park Map: parks, enterprises, projects and the industry taxonomy.

config    regions, layers, tuning, and Settings (every HEZE_* / DATABASE_URL key, read once)
errors    Problem and DataValidationError: every problem at once
model     what a record is, and the curated data read into a Dataset
analysis  questions asked of a Dataset
display   how records are shown
files     bytes in and bytes out
store     the working store: one interface, two backends, editor accounts

Rooms import in one order: model <- analysis <- display <- files; store needs only model, and
files may use store (tests/test_layering.py).
"""
