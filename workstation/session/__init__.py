"""The application layer: what the doctor is looking at and the work done for it, without
Qt. Widgets observe these models and start their background work in their scopes."""
