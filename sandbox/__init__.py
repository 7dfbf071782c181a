"""A reference provincial results platform (OAuth2/OIDC + FHIR R4 + DICOMweb) for development.

It is a separate program: the workstation never imports it; tests start it as a real server.
"""
