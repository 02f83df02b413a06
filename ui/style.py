"""The till's look: one stylesheet, large type, calm colours, a loud total."""
from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

INK = "#1f2933"
MUTED = "#616e7c"
LINE = "#d9e2ec"
PANEL = "#ffffff"
BACK = "#eef2f6"
ACCENT = "#0b6e99"
GOOD = "#13854e"
WARN = "#b7791f"
BAD = "#c53030"

STYLE = f"""
QWidget {{ color: {INK}; font-size: 15px; }}
QMainWindow, QDialog {{ background: {BACK}; }}
QFrame#Panel {{ background: {PANEL}; border: 1px solid {LINE}; border-radius: 10px; }}
QLabel#SectionTitle {{ color: {MUTED}; font-size: 13px; font-weight: bold; }}
QLabel#FieldName {{ color: {MUTED}; }}
QLabel#Muted {{ color: {MUTED}; font-size: 13px; }}
QLabel#Big {{ font-size: 22px; font-weight: bold; }}
QLabel#Total {{ font-size: 46px; font-weight: bold; color: {INK}; }}
QLabel#Change {{ font-size: 40px; font-weight: bold; color: {GOOD}; }}
QLabel#MemberName {{ font-size: 21px; font-weight: bold; }}
QLabel#Balance {{ font-size: 26px; font-weight: bold; color: {ACCENT}; }}
QLabel#Empty {{ color: {MUTED}; font-size: 16px; }}
QLabel#Badge {{ border-radius: 9px; padding: 2px 10px; font-size: 13px; font-weight: bold; color: white; background: {ACCENT}; }}
QLabel#Badge[tier="silver"] {{ background: #7b8794; }}
QLabel#Badge[tier="gold"] {{ background: #b7791f; }}
QLabel#Birthday {{ border-radius: 9px; padding: 2px 10px; font-size: 13px; font-weight: bold; color: white; background: #d53f8c; }}
QLabel#Occasion {{ color: #97266d; font-weight: 600; }}
QLabel#Warning {{ color: {BAD}; font-weight: bold; }}
QLabel#Error {{ color: {BAD}; }}
QLabel#Good {{ color: {GOOD}; font-weight: bold; }}
QLineEdit, QSpinBox, QComboBox, QDateEdit {{
    background: white; border: 1px solid #bcccdc; border-radius: 6px; padding: 5px 8px; min-height: 26px;
}}
QLineEdit:focus, QSpinBox:focus {{ border: 2px solid {ACCENT}; }}
QLineEdit#ScanInput {{ font-size: 20px; padding: 8px 12px; min-height: 32px; }}
QLineEdit#BigInput, QSpinBox#BigInput {{ font-size: 24px; font-weight: bold; min-height: 36px; }}
QTableView {{ background: white; border: 1px solid {LINE}; border-radius: 8px; gridline-color: #edf1f5;
    selection-background-color: #d7ecf7; selection-color: {INK}; font-size: 15px; }}
QHeaderView::section {{ background: #f5f7fa; color: {MUTED}; border: none; border-bottom: 1px solid {LINE};
    padding: 6px; font-size: 13px; font-weight: bold; }}
QListWidget {{ background: white; border: 1px solid {LINE}; border-radius: 8px; font-size: 16px; }}
QListWidget::item {{ padding: 6px; }}
QListWidget::item:selected {{ background: #d7ecf7; color: {INK}; }}
QPushButton {{ background: white; border: 1px solid #bcccdc; border-radius: 8px; padding: 6px 12px; min-height: 30px; }}
QPushButton:hover {{ background: #f0f4f8; }}
QPushButton:pressed {{ background: #d9e2ec; }}
QPushButton:disabled {{ color: #9aa5b1; background: #f5f7fa; }}
QPushButton:default {{ border: 2px solid {ACCENT}; }}
QPushButton[role="pay"] {{ background: {GOOD}; border: none; }}
QPushButton[role="pay"]:hover {{ background: #0f7a46; }}
QPushButton[role="pay"] QLabel {{ color: white; }}
QPushButton[role="pay"] QLabel#KeyCaption {{ font-size: 26px; font-weight: bold; color: white; }}
QPushButton[role="pay"] QLabel#KeyHint {{ color: #c6f6d5; font-size: 13px; }}
QPushButton[role="manager"] QLabel#KeyHint {{ color: {WARN}; }}
QPushButton[role="quick"] {{ background: #f8fbfd; }}
QPushButton[role="quick"] QLabel#KeyCaption {{ font-size: 12px; }}
QLabel#After {{ color: {INK}; font-size: 14px; }}
QPushButton#Primary {{ background: {ACCENT}; color: white; border: none; font-weight: bold; }}
QPushButton#Primary:hover {{ background: #095d82; }}
QPushButton#Danger {{ color: {BAD}; border-color: {BAD}; }}
QLabel#KeyHint {{ color: {ACCENT}; font-size: 12px; font-weight: bold; }}
QLabel#KeyCaption {{ font-size: 14px; }}
QFrame#MessageBar {{ border-radius: 6px; background: transparent; }}
QFrame#MessageBar[kind="info"] {{ background: #e6f0f7; }}
QFrame#MessageBar[kind="ok"] {{ background: #e3f6ea; }}
QFrame#MessageBar[kind="warn"] {{ background: #fdf3dc; }}
QFrame#MessageBar[kind="error"] {{ background: #fde8e8; }}
QFrame#MessageBar[kind="error"] QLabel {{ color: {BAD}; font-weight: bold; }}
QLabel#MessageText {{ font-size: 15px; }}
QStatusBar {{ background: #243b53; color: #f0f4f8; }}
QStatusBar QLabel {{ color: #f0f4f8; font-size: 13px; padding: 0 10px; }}
QStatusBar QLabel#Offline {{ color: #fbd38d; font-weight: bold; }}
QStatusBar QLabel#Online {{ color: #9ae6b4; font-weight: bold; }}
QCheckBox {{ spacing: 8px; }}
QLabel#TrainingBanner {{ background: #dd6b20; color: white; font-size: 16px; font-weight: bold; padding: 5px;
    border-radius: 6px; }}
QWidget#LockScreen {{ background: #243b53; }}
QFrame#LockCard {{ background: {BACK}; border-radius: 12px; }}
QCheckBox::indicator {{ width: 20px; height: 20px; }}
"""


def apply_style(app: QApplication) -> None:
    font = QFont("DejaVu Sans")
    font.setPixelSize(15)
    app.setFont(font)
    app.setStyle("Fusion")
    app.setStyleSheet(STYLE)
