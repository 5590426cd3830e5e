"""Questions asked of a Dataset: pure functions returning frames or small values.

query     Filters and Selection: which records a filter keeps
stats     counts by county, industry, precision and source; likely duplicates; targets
distance  straight-line questions: records within a radius, counts by industry
profile   one park: its 片区, enterprises, projects, nearest hubs and seats
ranking   site ranking with explained components
compare   parks side by side as a table
"""
