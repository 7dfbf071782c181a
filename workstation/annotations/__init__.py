"""Her marks and key images as DICOM objects (measurement report SR, key object selection,
presentation state) and the study's saved objects read back as marks; Qt-free."""
