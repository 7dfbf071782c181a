"""What the sandbox holds of a study, asked the way any DICOMweb client asks (QIDO-RS)."""

from __future__ import annotations

import httpx

from tests.conftest import Sandbox


def stored_count(sandbox: Sandbox, study_uid: str, modality: str) -> int:
    """How many instances of ``modality`` ("SR", "KO", "PR", …) the sandbox lists in the
    study, as its demo doctor sees them. Raises httpx.HTTPStatusError on a refusal."""
    answer = httpx.get(
        f"{sandbox.base_url}/dicomweb/studies/{study_uid}/instances",
        params={"Modality": modality},
        headers={"Authorization": f"Bearer {sandbox.token()}"},
    )
    answer.raise_for_status()
    return len(answer.json())
