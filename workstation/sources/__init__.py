"""Where a patient's history lives besides one platform: several platforms, a PACS, her disc."""
