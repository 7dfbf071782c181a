"""PySide6 + pyqtgraph widgets of the workstation. Thin: no HTTP, no DICOM parsing."""
