"""A bilingual text: the one way a Chinese/English pair is written down and looked up."""

from __future__ import annotations

from dataclasses import dataclass

LANGS = ("zh", "en")


@dataclass(frozen=True)
class Label:
    """The same text in Chinese and English; `get(lang)` picks one."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        """The text in `lang` ('zh' or 'en'); ValueError for any other language."""
        if lang == "en":
            return self.en
        if lang == "zh":
            return self.zh
        # no silent fallback: a misspelt language would otherwise show Chinese and pass tests
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")

    def format(self, lang: str, **values: object) -> str:
        """The text in `lang` with `{name}` fields filled from `values`."""
        return self.get(lang).format(**values)
