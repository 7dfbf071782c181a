"""Access to a results platform's records (the platform interface and its FHIR client)."""
