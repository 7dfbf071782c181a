"""The pixel pipeline (numpy only): decoding, modality LUT, VOI, presentation, geometry."""
