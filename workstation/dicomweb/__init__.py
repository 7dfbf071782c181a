"""DICOMweb (QIDO-RS, WADO-RS) client pieces."""
