"""The start-up baseline for `main.py bench`: a bare Qt window, shown and painted.

Run as a script; it prints "ready" once the event loop has painted the window.
"""
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow


def main() -> int:
    app = QApplication(sys.argv)
    window = QMainWindow()
    window.resize(1366, 768)
    window.show()
    QTimer.singleShot(0, lambda: (print("ready", flush=True), app.quit()))
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
