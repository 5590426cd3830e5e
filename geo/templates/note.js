{# rendered by geo/maps.py: a note in the map's corner, as text #}
{% from "_note.js" import note %}
{% macro script(this, kwargs) %}
{{ note(this._parent.get_name(), this.text, "hz-map-note") }}
{% endmacro %}
