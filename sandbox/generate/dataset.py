"""The seeded demo data set: hospitals, users, patients, lab and imaging results, catalog.

``generate`` wipes and rebuilds the sandbox's database and DICOM files in a data directory.
The same seed and reference date give the same data.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydicom.uid import generate_uid

from sandbox.auth import Authority, SigningKey, User
from sandbox.dicom_index import register_file
from sandbox.generate import fhir_build
from sandbox.generate.catalog import catalog_document
from sandbox.generate.hospitals import (
    HOSPITALS,
    PROVINCE,
    REGIONS,
    Hospital,
    Region,
    hospitals_in,
    meets_level,
    mrn_for,
    region_by_code,
)
from sandbox.generate.imaging import (
    InstanceInfo,
    PatientTags,
    StudyTags,
    write_ct_series,
    write_mr_series,
    write_radiograph,
    write_transfer_syntax_set,
    write_ultrasound_cine,
)
from sandbox.generate.labs import PANELS, generate_panel
from sandbox.generate.people import Person, generate_people
from sandbox.generate.us_thyroid import (
    write_thyroid_ultrasound,
)
from sandbox.store import CATALOG_META_KEY, Store

log = logging.getLogger("sandbox.generate")
JsonObj = dict[str, Any]
GENERATED_KEY = "generated"
CHINA = dt.timezone(dt.timedelta(hours=8), "CST")
CHRONIC_PATIENT = "p9001"  # the long-history patient of ``generate(chronic_reports=…)``
DEMO_PASSWORD = "hr-demo-2026"  # noqa: S105 - published demo credential (README)


@dataclass(frozen=True)
class DemoUser:
    """A demo account and the practitioner behind it."""

    username: str
    role: str
    name_zh: str
    hospital_id: str
    department: str
    role_zh: str


DEMO_USERS = (
    DemoUser("dr.li", "radiologist", "李静", "scph", "放射科", "主治医师（放射）"),
    DemoUser("dr.wang", "clinician", "王磊", "cdfy", "心内科", "主治医师（心内科）"),
    DemoUser("admin", "admin", "赵敏", "scph", "医务部", "平台管理员"),
    # A district hospital's doctor (温江区, 510115): city-wide 成都HR marks and items
    # recognized in 510100 cover her district.
    DemoUser("dr.chen", "clinician", "陈晓", "wjrm", "急诊科", "主治医师（急诊科）"),
)


@dataclass(frozen=True)
class Sizes:
    """How big the generated data is."""

    patients: int
    heavy_ct_slices: int
    heavy_ct_prior_slices: int
    heavy_ct_size: int
    radiograph: tuple[int, int]
    us: tuple[int, int, int]  # frames, rows, columns
    light_ct: tuple[int, int]  # slices, size
    light_mr: tuple[int, int]
    light_dx: tuple[int, int]
    light_us: tuple[int, int, int]
    busy_patient_reports: int


FULL = Sizes(
    64,
    300,
    220,
    512,
    (3000, 2500),
    (30, 480, 640),
    (40, 256),
    (16, 256),
    (1024, 1024),
    (12, 240, 320),
    200,
)
SMALL = Sizes(
    10, 24, 16, 128, (600, 500), (6, 120, 160), (8, 64), (6, 64), (256, 256), (4, 120, 160), 40
)

_SPECIMEN = {"cbc": "全血", "hba1c": "全血", "coagulation": "血浆"}
# Reports named by the study (the modality's default report does not fit every study).
_FINDINGS_BY_STUDY = {
    "甲状腺彩超": (
        "甲状腺左右叶及峡部大小形态正常，包膜光整，实质回声均匀。右叶中部见一无回声结节，"
        "大小约0.3×0.2cm，边界清，内见点状强回声，后方伴彗星尾征。双侧颈总动脉管壁光滑，"
        "管腔内未见异常回声。双侧颈部未见明显肿大淋巴结。",
        "甲状腺右叶囊性结节（胶质囊肿可能，TI-RADS 2类）。",
    ),
}
_FINDINGS = {
    "CT": ("双肺纹理清晰，未见明确实质性病变。纵隔居中，心影不大。", "胸部CT平扫未见明显异常。"),
    "MR": ("脑实质信号均匀，脑室系统无扩大，中线结构居中。", "头颅MR平扫未见明显异常。"),
    "DX": ("两肺野清晰，肺纹理走行自然，心影大小形态正常，双膈光整。", "心肺膈未见明显异常。"),
    "CR": ("两肺野清晰，心影大小形态正常。", "胸部正位片未见明显异常。"),
    "US": (
        "各房室腔内径正常，室间隔及左室壁厚度正常，运动协调；各瓣膜形态及启闭未见异常；"
        "左心室收缩功能正常。",
        "心脏结构及功能未见明显异常。",
    ),
    "OT": ("多种传输语法测试图像。", "（测试数据）"),
}


def is_generated(data_dir: Path) -> bool:
    """Whether ``data_dir`` holds a complete generated data set."""
    db_path = data_dir / "sandbox.sqlite"
    return db_path.exists() and Store(db_path).get_meta(GENERATED_KEY) is not None


def _wipe(data_dir: Path) -> None:
    for name in ("sandbox.sqlite", "sandbox.sqlite-wal", "sandbox.sqlite-shm"):
        (data_dir / name).unlink(missing_ok=True)
    shutil.rmtree(data_dir / "dicom", ignore_errors=True)


class _Generator:
    def __init__(
        self, data_dir: Path, seed: int, sizes: Sizes, today: dt.date, chronic_reports: int = 0
    ) -> None:
        self.chronic_reports = chronic_reports
        self.data_dir = data_dir
        self.store = Store(data_dir / "sandbox.sqlite")
        self.rng = random.Random(seed)  # noqa: S311 - demo data, not security
        self.seed = seed
        self.sizes = sizes
        self.today = today
        self.now = dt.datetime.combine(today, dt.time(16, 0), CHINA)
        self.catalog = catalog_document()
        self.items: list[JsonObj] = list(self.catalog["items"])  # type: ignore[call-overload]
        self.counter = 0
        self.resources: list[JsonObj] = []
        self.instance_files: list[Path] = []

    def next_id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter:06d}"

    # --- catalog helpers --------------------------------------------------------------------
    def item_for_panel(self, panel_key: str) -> JsonObj | None:
        return next((i for i in self.items if i.get("panel_key") == panel_key), None)

    def item_for_modality(self, modality: str, description: str = "") -> JsonObj | None:
        """The catalog item of a study: the one named like the study's description (a chest
        CT is never reported as a head CT), else any item of the modality."""
        matches = [i for i in self.items if i.get("modality") == modality]
        drawn = self.rng.choice(matches) if matches else None  # drawn always: seeded data stays
        named = [
            i
            for i in matches
            if description
            and (
                str(i["name_zh"]).startswith(description)
                or description.startswith(str(i["name_zh"]))
            )
        ]
        return named[0] if named else drawn

    def mark_for(self, item: JsonObj | None, hospital: Hospital) -> Region | None:
        """The HR mark a result would carry: only for eligible hospitals, and not always."""
        # A lab that failed EQA keeps its mark: the receiving doctor may still refuse (P02).
        if item is None:
            return None
        if not meets_level(hospital.level, str(item["min_level"])):
            return None
        regions = list(item.get("regions") or [])
        if regions and hospital.region_code not in regions:
            return None
        if self.rng.random() > 0.85:
            return None
        return PROVINCE if self.rng.random() < 0.5 else region_by_code(hospital.region_code)

    # --- results ---------------------------------------------------------------------------
    def lab(
        self,
        pid: str,
        hospital: Hospital,
        panel_key: str,
        when: dt.datetime,
        sex: str,
        *,
        mark: Region | None = None,
    ) -> None:
        """One lab report with its values. ``mark``: the HR mark it carries (default: as the
        catalog, the hospital and chance decide)."""
        rid = self.next_id("lab")
        values = generate_panel(
            panel_key,
            hospital,
            self.rng,
            sex=sex,
            abnormal_bias=0.3 if self.rng.random() < 0.3 else 0.0,
        )
        obs_ids = [f"{rid}-{n}" for n in range(len(values))]
        for oid, value in zip(obs_ids, values, strict=True):
            self.resources.append(
                fhir_build.observation(
                    oid, pid, hospital, value, when, _SPECIMEN.get(panel_key, "血清")
                )
            )
        item = self.item_for_panel(panel_key)
        panel = PANELS[panel_key]
        code_item = item or {"code": f"LOCAL-{panel_key}", "name_zh": panel.name_zh}
        self.resources.append(
            fhir_build.lab_report(
                rid,
                pid,
                hospital,
                code_item,
                panel.name_zh,
                when,
                obs_ids,
                mark if mark is not None else self.mark_for(item, hospital),
            )
        )

    def imaging(
        self,
        pid: str,
        person: Person,
        mrn: str,
        hospital: Hospital,
        modality: str,
        when: dt.datetime,
        writer: Callable[[Path, PatientTags, StudyTags], list[InstanceInfo]],
        description: str,
    ) -> None:
        item = self.item_for_modality("DX" if modality == "OT" else modality, description)
        study_uid = generate_uid(prefix=None, entropy_srcs=[str(self.seed), str(self.counter)])
        rid = self.next_id("rad")
        tags_patient = PatientTags(
            patient_id=mrn,
            name_zh=person.name_zh,
            name_pinyin=person.name_pinyin,
            birth_date=person.birth_date,
            sex=person.sex,
            id_card=person.id_card,
        )
        tags_study = StudyTags(
            study_uid=study_uid,
            accession=f"A{self.counter:08d}",
            study_date=when.date(),
            institution=hospital.name_zh,
            description=description,
        )
        instances = writer(self.data_dir / "dicom" / study_uid, tags_patient, tags_study)
        self.instance_files.extend(i.path for i in instances)
        series: dict[str, JsonObj] = {}
        for info in sorted(instances, key=lambda i: (i.series_number, i.instance_number)):
            entry = series.setdefault(
                info.series_uid,
                {
                    "uid": info.series_uid,
                    "number": info.series_number,
                    "modality": info.modality,
                    "description": info.series_description,
                    "instances": [],
                },
            )
            entry["instances"].append(
                {
                    "uid": info.sop_instance_uid,
                    "sop_class": info.sop_class_uid,
                    "number": info.instance_number,
                }
            )
        study_id = f"{rid}-study"
        self.resources.append(
            fhir_build.imaging_study(
                study_id,
                pid,
                hospital,
                {
                    "uid": study_uid,
                    "started": when,
                    "description": description,
                    "series": list(series.values()),
                },
            )
        )
        findings, conclusion = _FINDINGS_BY_STUDY.get(
            description, _FINDINGS.get(modality, _FINDINGS["OT"])
        )
        code_item = item or {"code": f"LOCAL-{modality}", "name_zh": description}
        self.resources.append(
            fhir_build.imaging_report(
                rid,
                pid,
                hospital,
                code_item,
                study_id,
                when,
                findings,
                conclusion,
                self.mark_for(item, hospital),
            )
        )

    # --- people ----------------------------------------------------------------------------
    def when(self, days_ago_max: int, days_ago_min: int = 0) -> dt.datetime:
        days = self.rng.randint(days_ago_min, days_ago_max)
        minutes = self.rng.randint(7 * 60, 11 * 60)
        return dt.datetime.combine(self.today - dt.timedelta(days=days), dt.time(), CHINA) + (
            dt.timedelta(minutes=minutes)
        )

    def patient_hospitals(self, person: Person) -> list[Hospital]:
        home = list(hospitals_in(person.region_code))
        chosen = self.rng.sample(home, k=min(len(home), self.rng.randint(2, 3)))
        if self.rng.random() < 0.4:
            away = [h for h in HOSPITALS if h.region_code != person.region_code]
            chosen.append(self.rng.choice(away))
        return chosen

    def person(self, index: int, person: Person) -> None:
        pid = f"p{index + 1:04d}"
        hospitals = self.patient_hospitals(person)
        mrns = [(h, mrn_for(h, self.rng)) for h in hospitals]
        self.resources.append(fhir_build.patient(pid, person, mrns))
        panels = list(PANELS)
        s = self.sizes
        # Patient 3 is followed closely (the 200-report timeline of the benchmarks).
        lab_count = s.busy_patient_reports if index == 2 else self.rng.randint(4, 10)
        for _ in range(lab_count):
            hospital, _mrn = self.rng.choice(mrns)
            self.lab(pid, hospital, self.rng.choice(panels), self.when(730), person.sex)
        if index == 0:
            self.showcase(pid, person, mrns)
        elif index == 1:
            hospital, mrn = mrns[0]
            self.imaging(
                pid,
                person,
                mrn,
                hospital,
                "OT",
                self.when(60, 1),
                write_transfer_syntax_set,
                "传输语法测试",
            )
            h2, mrn2 = mrns[-1]
            self.imaging(
                pid,
                person,
                mrn2,
                h2,
                "DX",
                self.when(20, 1),
                lambda o, p, t: write_radiograph(
                    o,
                    p,
                    t,
                    rows=s.radiograph[0],
                    columns=s.radiograph[1],
                    photometric="MONOCHROME2",
                    seed=self.seed + 2,
                ),
                "胸部正位",
            )
        else:
            for _ in range(self.rng.choice((0, 1, 1, 2))):
                hospital, mrn = self.rng.choice(mrns)
                self.light_imaging(pid, person, mrn, hospital)

    def light_imaging(self, pid: str, person: Person, mrn: str, hospital: Hospital) -> None:
        s = self.sizes
        modality = self.rng.choice(("CT", "MR", "DX", "US"))
        seed = self.rng.randrange(1 << 30)
        when = self.when(700)
        if modality == "CT":
            self.imaging(
                pid,
                person,
                mrn,
                hospital,
                "CT",
                when,
                lambda o, p, t: write_ct_series(
                    o,
                    p,
                    t,
                    slices=s.light_ct[0],
                    size=s.light_ct[1],
                    slice_thickness_mm=5.0,
                    seed=seed,
                ),
                "胸部CT平扫",
            )
        elif modality == "MR":
            self.imaging(
                pid,
                person,
                mrn,
                hospital,
                "MR",
                when,
                lambda o, p, t: write_mr_series(
                    o, p, t, slices=s.light_mr[0], size=s.light_mr[1], seed=seed
                ),
                "头颅MR平扫",
            )
        elif modality == "DX":
            self.imaging(
                pid,
                person,
                mrn,
                hospital,
                "DX",
                when,
                lambda o, p, t: write_radiograph(
                    o, p, t, rows=s.light_dx[0], columns=s.light_dx[1], seed=seed
                ),
                "胸部正位",
            )
        else:
            # echo or thyroid, decided by the seed already drawn: the rest of the data stays
            writer, name = (
                (write_ultrasound_cine, "心脏彩超")
                if seed % 2
                else (write_thyroid_ultrasound, "甲状腺彩超")
            )
            self.imaging(
                pid,
                person,
                mrn,
                hospital,
                "US",
                when,
                lambda o, p, t: writer(
                    o,
                    p,
                    t,
                    frames=s.light_us[0],
                    rows=s.light_us[1],
                    columns=s.light_us[2],
                    seed=seed,
                ),
                name,
            )

    def showcase(self, pid: str, person: Person, mrns: list[tuple[Hospital, str]]) -> None:
        """The first patient: recent and prior CT from two hospitals, radiograph, cine, MR,
        and time-sensitive labs (cardiac markers hours old)."""
        s = self.sizes
        (h1, m1), (h2, m2) = mrns[0], mrns[1]
        self.imaging(
            pid,
            person,
            m1,
            h1,
            "CT",
            self.now - dt.timedelta(days=5),
            lambda o, p, t: write_ct_series(
                o,
                p,
                t,
                slices=s.heavy_ct_slices,
                size=s.heavy_ct_size,
                slice_thickness_mm=1.25,
                seed=self.seed,
            ),
            "胸部CT平扫",
        )
        self.imaging(
            pid,
            person,
            m2,
            h2,
            "CT",
            self.now - dt.timedelta(days=240),
            lambda o, p, t: write_ct_series(
                o,
                p,
                t,
                slices=s.heavy_ct_prior_slices,
                size=s.heavy_ct_size,
                slice_thickness_mm=1.5,
                seed=self.seed + 1,
            ),
            "胸部CT平扫",
        )
        self.imaging(
            pid,
            person,
            m2,
            h2,
            "DX",
            self.now - dt.timedelta(days=12),
            lambda o, p, t: write_radiograph(
                o,
                p,
                t,
                rows=s.radiograph[0],
                columns=s.radiograph[1],
                photometric="MONOCHROME1",
                seed=self.seed + 3,
            ),
            "胸部正位",
        )
        self.imaging(
            pid,
            person,
            m1,
            h1,
            "US",
            self.now - dt.timedelta(days=9),
            lambda o, p, t: write_ultrasound_cine(
                o, p, t, frames=s.us[0], rows=s.us[1], columns=s.us[2], seed=self.seed + 4
            ),
            "心脏彩超",
        )
        self.imaging(
            pid,
            person,
            m1,
            h1,
            "MR",
            self.now - dt.timedelta(days=40),
            lambda o, p, t: write_mr_series(o, p, t, seed=self.seed + 5),
            "头颅MR平扫",
        )
        self.lab(pid, h1, "cardiac", self.now - dt.timedelta(hours=3), person.sex)
        self.lab(pid, h2, "cardiac", self.now - dt.timedelta(hours=30), person.sex)
        self.lab(pid, h2, "electrolytes", self.now - dt.timedelta(days=3), person.sex)
        self.lab(pid, h1, "renal", self.now - dt.timedelta(days=6), person.sex)

    def morning_visit(self, pid: str, sex: str) -> None:
        """One visit of several recognized panels at a provincial tertiary hospital, two
        mornings ago, each with the province's HR mark: what "accept all eligible of this
        visit" acts on."""
        hospital = next(h for h in HOSPITALS if h.id == "scph")
        start = dt.datetime.combine(self.today - dt.timedelta(days=2), dt.time(8, 0), CHINA)
        for n, panel_key in enumerate(("cbc", "renal", "liver")):
            when = start + dt.timedelta(minutes=12 * n)
            self.lab(pid, hospital, panel_key, when, sex, mark=PROVINCE)

    def chronic(self, reports: int) -> None:
        """A patient with diabetes and kidney disease followed for six years in six hospitals
        of three cities: ``reports`` lab reports (mostly renal function, glucose and HbA1c),
        the long history the timeline must open without a freeze."""
        person = generate_people(self.rng, 1, [REGIONS[0].code], today=self.today)[0]
        hospitals = [h for h in HOSPITALS if h.level.startswith("3")][:6]
        mrns = [(h, mrn_for(h, self.rng)) for h in hospitals]
        self.resources.append(fhir_build.patient(CHRONIC_PATIENT, person, mrns))
        panels = ("renal", "renal", "glucose", "glucose", "hba1c", "electrolytes", "cbc", "lipids")
        for _ in range(reports):
            hospital, _mrn = self.rng.choice(mrns)
            self.lab(
                CHRONIC_PATIENT,
                hospital,
                self.rng.choice(panels),
                self.when(6 * 365),
                person.sex,
            )

    # --- all -------------------------------------------------------------------------------
    def run(self) -> None:
        for hospital in HOSPITALS:
            self.resources.append(fhir_build.organization(hospital))
        authority = Authority(
            self.store, SigningKey(self.data_dir / "signing-key.pem"), "", 600, 3600
        )
        for n, demo in enumerate(DEMO_USERS, start=1):
            hospital = next(h for h in HOSPITALS if h.id == demo.hospital_id)
            practitioner_id = f"pr{n:03d}"
            self.resources.append(
                fhir_build.practitioner(practitioner_id, demo.name_zh, hospital, demo.role_zh)
            )
            authority.add_user(
                User(
                    demo.username,
                    demo.role,
                    f"Practitioner/{practitioner_id}",
                    demo.name_zh,
                    f"Organization/{hospital.id}",
                    demo.department,
                ),
                DEMO_PASSWORD,
            )
        people = generate_people(
            self.rng, self.sizes.patients, [r.code for r in REGIONS], today=self.today
        )
        for index, person in enumerate(people):
            self.person(index, person)
        # After everyone else, so the rest of the data stays what the seed made before.
        self.morning_visit("p0005", people[4].sex)
        if self.chronic_reports:
            self.chronic(self.chronic_reports)
        with self.store.transaction() as db:
            for resource in self.resources:
                self.store.put_resource(resource, db)
            for path in self.instance_files:
                register_file(self.store, path, self.data_dir, db)
        self.store.set_meta(CATALOG_META_KEY, json.dumps(self.catalog, ensure_ascii=False))
        self.store.set_meta(
            GENERATED_KEY,
            json.dumps(
                {
                    "seed": self.seed,
                    "today": self.today.isoformat(),
                    "patients": len(people),
                }
            ),
        )


def generate(
    data_dir: Path,
    *,
    seed: int = 20261101,
    small: bool = False,
    today: dt.date | None = None,
    chronic_reports: int = 0,
) -> dict[str, int]:
    """Rebuild the demo data in ``data_dir``. Returns counts per resource type and files.

    ``chronic_reports`` > 0 adds patient ``CHRONIC_PATIENT`` with that many lab reports over
    six years (the rest of the data stays what the seed makes without it)."""
    started = time.perf_counter()
    data_dir.mkdir(parents=True, exist_ok=True)
    _wipe(data_dir)
    gen = _Generator(
        data_dir, seed, SMALL if small else FULL, today or dt.date.today(), chronic_reports
    )
    gen.run()
    counts: dict[str, int] = {}
    for resource in gen.resources:
        counts[resource["resourceType"]] = counts.get(resource["resourceType"], 0) + 1
    counts["dicom_files"] = len(gen.instance_files)
    log.info("generated demo data in %.1f s: %s", time.perf_counter() - started, counts)
    return counts
