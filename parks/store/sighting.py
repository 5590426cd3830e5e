"""What a running app saw of its store, so that a store replaced underneath it is noticed."""

from __future__ import annotations

from dataclasses import dataclass

from parks.store.base import StoreError


@dataclass
class Sighting:
    """What a running app saw of its store: the file (device, inode), the store's id and the
    newest version. A commit that finds another file, id or an older version is refused."""

    file: tuple[int, int] | None
    store_id: str
    version: int

    def problem(self, now: Sighting) -> StoreError | None:
        """Why the store found now is not the one this app opened (None when it is)."""
        if now.file is None and self.file is not None:
            return StoreError(f"{_SWAPPED_EN} (its file was deleted). {_NOTHING_EN}",
                              f"存储文件已被删除。{_NOTHING_ZH}")
        if now.file != self.file or (self.store_id and now.store_id != self.store_id):
            return StoreError(f"{_SWAPPED_EN} (another store is there now). {_NOTHING_EN}",
                              f"存储已被另一份替换。{_NOTHING_ZH}")
        if now.version < self.version:
            return StoreError(f"{_SWAPPED_EN} (it went back from version {self.version} to "
                              f"{now.version}: an older copy was put back). {_NOTHING_EN}",
                              f"存储从版本 {self.version} 退回到 {now.version}（放回了旧副本）。"
                              f"{_NOTHING_ZH}")
        return None


_SWAPPED_EN = "The store was changed underneath the running app"
_NOTHING_EN = ("Nothing was saved. Ask whoever manages the server: `python -m parks store check` "
               "says what is there; restart the app to work on it, then save again")
_NOTHING_ZH = ("本次未保存任何内容。请联系服务器管理员：`python -m parks store check` 可查看现状；"
               "重启应用后再保存。")
