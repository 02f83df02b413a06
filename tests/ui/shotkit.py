"""What every screenshot script needs: the styled application, a wait until the window's
workers are done, and a grab of a widget to `<folder>/<name>_<language>.png`."""
from __future__ import annotations

from pathlib import Path


class Shots:
    def __init__(self, folder: Path, language: str, rounds: int = 40) -> None:
        from PySide6.QtWidgets import QApplication

        from ui.style import apply_style

        self.app = QApplication.instance() or QApplication([])
        apply_style(self.app)
        folder.mkdir(parents=True, exist_ok=True)
        self.folder, self.language, self.rounds = folder, language, rounds
        self.out: list[Path] = []

    def settle(self) -> None:
        from ui import operations

        for _ in range(self.rounds):
            operations.wait_for_all(30_000)
            self.app.processEvents()

    def shot(self, widget, name: str) -> None:
        self.settle()
        self.out.append(self.folder / f"{name}_{self.language}.png")
        widget.grab().save(str(self.out[-1]))
