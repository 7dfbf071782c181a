"""Her key images as a DICOM Key Object Selection document (TID 2010, title "Of Interest"),
with the frame of a multi-frame image."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import highdicom as hd
from pydicom.sr.codedict import codes
from pydicom.uid import generate_uid

from workstation.annotations.model import Author, KeyImageRef
from workstation.annotations.sr_writer import MANUFACTURER, UTF8, person_name
from workstation.clock import china_time

KOS_SERIES_NUMBER = 9902
KOS_DESCRIPTION = "互认阅片关键图像"


def key_object_selection(
    key_images: Sequence[KeyImageRef],
    author: Author,
    now: dt.datetime,
    series_instance_uid: str | None = None,
    sop_instance_uid: str | None = None,
) -> hd.ko.KeyObjectSelectionDocument:
    """A KOS selecting ``key_images`` (one study), chosen by ``author`` at ``now``. The same
    image and frame twice counts once. Raises ValueError for none or several studies."""
    unique = list(dict.fromkeys((k.image, k.frame) for k in key_images))
    if not unique:
        raise ValueError("no key images to save")
    if len({image.study_instance_uid for image, _ in unique}) != 1:
        raise ValueError("the key images are of more than one study")
    observer = hd.sr.ObserverContext(
        observer_type=codes.DCM.Person,
        observer_identifying_attributes=hd.sr.PersonObserverIdentifyingAttributes(
            name=person_name(author.name),
            login_name=author.login or None,
            organization_name=author.organization or None,
        ),
    )
    datasets = [image.as_dataset() for image, _ in unique]
    content = hd.ko.KeyObjectSelection(
        document_title=codes.DCM.OfInterest,
        referenced_objects=datasets,
        observer_person_context=observer,
        description=KOS_DESCRIPTION,
    )
    images = [item for item in content[0].ContentSequence if item.ValueType == "IMAGE"]
    for item, (image, frame) in zip(images, unique, strict=True):
        if image.number_of_frames > 1:
            item.ReferencedSOPSequence[0].ReferencedFrameNumber = frame + 1
    by_uid = {ds.SOPInstanceUID: ds for ds in datasets}
    local = china_time(now)  # the chart's clock; the offset says so
    kos = hd.ko.KeyObjectSelectionDocument(
        evidence=list(by_uid.values()),
        content=content,
        series_instance_uid=series_instance_uid or generate_uid(),
        series_number=KOS_SERIES_NUMBER,
        sop_instance_uid=sop_instance_uid or generate_uid(),
        instance_number=1,
        manufacturer=MANUFACTURER,
        institution_name=author.organization or None,
        specific_character_set=UTF8,
        content_date=local.strftime("%Y%m%d"),
        content_time=local.strftime("%H%M%S"),
        series_description=KOS_DESCRIPTION,
    )
    kos.TimezoneOffsetFromUTC = local.strftime("%z")
    return kos
