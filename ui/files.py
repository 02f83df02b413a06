"""File dialogs that start in the person's Documents folder (not the program's) and
speak the shop's language: Qt's own dialog, its captions from LoyalTill's catalogue
(Qt ships no Romanian) and the rest from Qt's translations (ui.app.install_translator)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from services.core.messages import _

_last_folder: str = ""  # where the last file was saved or opened, for the next dialog


def documents_folder() -> str:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return folder if folder and Path(folder).is_dir() else str(Path.home())


def start_folder() -> str:
    return _last_folder if _last_folder and Path(_last_folder).is_dir() else documents_folder()


def file_dialog(parent: QWidget | None, title: str, name_filter: str, save_as: str = "") -> QFileDialog:
    """The dialog, not yet shown (tests look at it; `save_path`/`open_path` run it)."""
    dialog = QFileDialog(parent, title, start_folder(), name_filter)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)  # a native one speaks the PC's language
    if save_as:
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.selectFile(save_as)
        dialog.setLabelText(QFileDialog.DialogLabel.Accept, _("Save"))
    else:
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setLabelText(QFileDialog.DialogLabel.Accept, _("Open"))
    dialog.setLabelText(QFileDialog.DialogLabel.Reject, _("Cancel"))
    dialog.setLabelText(QFileDialog.DialogLabel.LookIn, _("Folder:"))
    dialog.setLabelText(QFileDialog.DialogLabel.FileName, _("File name:"))
    dialog.setLabelText(QFileDialog.DialogLabel.FileType, _("Type:"))
    return dialog


def _run(dialog: QFileDialog) -> str:
    global _last_folder
    if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return ""
    path = dialog.selectedFiles()[0]
    _last_folder = str(Path(path).parent)
    return path


def save_path(parent: QWidget | None, title: str, name: str, name_filter: str) -> str:
    """Where to save a file ("" if the person cancelled)."""
    return _run(file_dialog(parent, title, name_filter, save_as=name))


def open_path(parent: QWidget | None, title: str, name_filter: str) -> str:
    """Which file to open ("" if the person cancelled)."""
    return _run(file_dialog(parent, title, name_filter))
