#!/usr/bin/env python3
"""Generate an equivalent benchmark corpus for handoff and for Hugo.

    bench/gen-corpus.py [--shape default|wide] N OUT_DIR

writes

    OUT_DIR/handoff/   site.toml (bench/site.toml), themes/ (the repository's),
                       content/: N content pages (about 20% service lines, 80%
                       referral reasons, 600-900 words each), a handful of
                       locations, shared checklists with `extends`
    OUT_DIR/hugo/      config.toml (bench/hugo-config.toml), layouts/
                       (bench/hugo-layouts/), the same Markdown files, the
                       checklists resolved into data/checklists/<id>.yaml
    OUT_DIR/zola/      config.toml, templates/ (bench/zola-templates/, the
                       same work as the Hugo layouts), the same Markdown
                       with the keys Zola does not know under `extra:`, the
                       checklists resolved and each service line's reasons
                       in data/ (Zola has no cached partial to group them)

Shapes: `default` (issue 7): 20% service lines, 80% reasons (four per
service line), 600-900 words with a table on every page, five checklists of
5-9 items, five locations. `wide` (issue 22): 4-20 reasons per service line,
checklists of 12-15 items up to three levels of `extends` deep, 200-3,000
words, a table on 40% of pages, and physicians (3% of pages) and locations
(one per 40 service lines, at least five) in proportion.

Python 3 standard library only; deterministic (fixed seed): the same N gives
the same bytes. OUT_DIR/handoff and OUT_DIR/hugo are replaced if present.
"""

import os
import random
import shutil
import sys

SEED = 20240607
BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)

WORDS = (
    "patient referral clinic specialist consult imaging report biopsy staging "
    "treatment plan follow-up visit records office coordinator nurse navigator "
    "physician team review result scan therapy symptom diagnosis history labs "
    "medication dose schedule surgery radiation outcome care family question "
    "answer week day business same prior recent current chronic acute early "
    "late routine priority urgent local regional program service evidence "
    "guideline screening risk benefit option decision support summary note "
    "letter fax portal phone email message contact response time window goal "
    "plan monitor assess measure test panel culture marker level function "
    "pressure rhythm rate volume weight sleep pain fatigue appetite mobility"
).split()

ADJ = (
    "Advanced Comprehensive Pediatric Adult Geriatric Regional Integrated "
    "Complex Early Chronic Acute Preventive Interventional Diagnostic "
    "Rehabilitative Surgical Medical Supportive Specialty Community"
).split()
NOUN = (
    "Cardiology Oncology Neurology Nephrology Hepatology Pulmonology "
    "Endocrinology Rheumatology Urology Gastroenterology Dermatology "
    "Hematology Orthopedics Ophthalmology Otolaryngology Gynecology "
    "Electrophysiology Immunology Infectious-Disease Sleep-Medicine"
).split()
CONDITIONS = (
    "nodule murmur anemia fracture rash cough tremor seizure palpitations "
    "syncope neuropathy hematuria jaundice edema dyspnea headache dizziness "
    "arthritis reflux obesity hypertension diabetes thyroid-mass kidney-stone"
).split()

CHECKLISTS = {
    # id: (title, extends, items [(id, label, required, detail)])
    "core": ("Core referral checklist", None, [
        ("clinical-notes", "Recent clinical notes", True, "The note that led to the referral."),
        ("clinical-question", "A short clinical question", True, "One or two sentences, for example *\"diagnosis and plan\"*."),
        ("medication-list", "Medication list", False, "Current medications, including **anticoagulants**."),
        ("problem-list", "Problem list", False, "Active diagnoses with dates where known."),
        ("insurance-card", "Insurance card, front and back", False, "A clear copy of both sides."),
    ]),
    "imaging": ("Imaging referral checklist", "core", [
        ("imaging-reports", "Imaging reports", True, "Reports from the last 6 months; images on disc only when asked."),
        ("prior-imaging", "Prior imaging for comparison", False, "Any earlier study of the same region."),
    ]),
    "labs": ("Laboratory referral checklist", "core", [
        ("recent-labs", "Recent labs", True, "CBC and CMP from the last 30 days."),
        ("medication-list", "Medication list with doses", True, "Replaces the core item: doses are required here."),
    ]),
    "procedure": ("Procedure referral checklist", "imaging", [
        ("consent-notes", "Goals-of-care discussion", False, "Anything the patient has said about procedures."),
        ("anticoagulation-plan", "Anticoagulation plan", True, "Who manages it and whether it may be paused."),
    ]),
    "oncology": ("Oncology referral checklist", "labs", [
        ("pathology-report", "Pathology report", True, "Final report with any addenda."),
        ("tumor-markers", "Tumor markers", False, "As relevant, with dates."),
    ]),
}
SERVICE_CHECKLISTS = ["imaging", "labs", "procedure", "oncology"]


def _items(prefix, n, required_every=3):
    return [
        (f"{prefix}-{k + 1}", f"{prefix.capitalize()} record {k + 1}", k % required_every == 0,
         f"Send the *{prefix}* record {k + 1} from the last **{k + 2} months**.")
        for k in range(n)
    ]


# The wide shape: 12-15 items per resolved list; `procedure` and `oncology`
# are three levels deep (core -> imaging -> procedure, core -> labs -> oncology).
WIDE_CHECKLISTS = {
    "core": ("Core referral checklist", None, CHECKLISTS["core"][2] + _items("history", 7)),
    "imaging": ("Imaging referral checklist", "core", _items("imaging", 2)),
    "labs": ("Laboratory referral checklist", "core", [CHECKLISTS["labs"][2][1]] + _items("labs", 1)),
    "procedure": ("Procedure referral checklist", "imaging", _items("procedure", 1)),
    "oncology": ("Oncology referral checklist", "labs", _items("pathology", 2)),
}

LOCATIONS = [
    ("downtown", "Downtown Campus", "100 River St", "97000", 44.0582, -121.3153),
    ("northside", "Northside Clinic", "2200 Northside Ave", "97001", 44.0911, -121.3012),
    ("eastgate", "Eastgate Medical Pavilion", "45 Eastgate Rd", "97002", 44.0511, -121.2790),
    ("westhills", "West Hills Outpatient Center", "9 Hillcrest Dr", "97003", 44.0630, -121.3601),
    ("riverside", "Riverside Surgery Center", "780 Riverside Blvd", "97004", 44.0401, -121.3222),
]
PHONES = ["+1-555-010-0100", "+1-555-010-0199"]


def resolve_checklist(cid, table=CHECKLISTS):
    """The items of `cid` with its `extends` chain applied (parent first,
    same id replaces the parent's item in place)."""
    title, parent, items = table[cid]
    resolved = resolve_checklist(parent, table)[1] if parent else []
    for item in items:
        for k, existing in enumerate(resolved):
            if existing[0] == item[0]:
                resolved[k] = item
                break
        else:
            resolved.append(item)
    return title, resolved


def yq(text):
    """A YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Gen:
    def __init__(self, n, shape="default"):
        self.rng = random.Random(SEED)
        self.shape = shape
        self.n = n
        self.locations = list(LOCATIONS)
        self.physicians = []  # (slug, first, last, [service indexes], [location slugs])
        if shape == "wide":
            # The page counts, the reasons per service line and which pages
            # have a table come from their own generator, so the text stays
            # the default shape's sequence.
            shape_rng = random.Random(SEED + 1)
            n_physicians = round(n * 0.03)
            rest = max(2, n - n_physicians)
            per_service = []
            while sum(per_service) + len(per_service) < rest:
                per_service.append(shape_rng.randint(4, 20))
            # the last service line takes what is left (at least one reason)
            per_service[-1] = max(1, rest - (len(per_service) - 1) - sum(per_service[:-1]))
            self.n_services = len(per_service)
            self.n_reasons = sum(per_service)
            owner = [i for i, k in enumerate(per_service) for _ in range(k)]
            self.tables = [shape_rng.random() < 0.4 for _ in range(self.n_services + self.n_reasons)]
            for k in range(len(LOCATIONS), max(len(LOCATIONS), round(self.n_services / 40))):
                self.locations.append((f"clinic-{k + 1:03d}", f"Clinic {k + 1:03d}", f"{k + 10} Main St",
                                       f"97{k % 1000:03d}", 44.0 + k / 1000, -121.3 - k / 1000))
            self.checklists = WIDE_CHECKLISTS
        else:
            self.n_services = max(1, round(n * 0.2))
            self.n_reasons = max(1, n - self.n_services)
            owner = [i % self.n_services for i in range(self.n_reasons)]
            self.tables = None
            n_physicians = 0
            self.checklists = CHECKLISTS
        self.services = []  # (slug, title)
        self.reasons = []  # (slug, title, service_index)
        self.reason_descriptions = {}
        used = set()
        for i in range(self.n_services):
            title = f"{ADJ[i % len(ADJ)]} {NOUN[(i // len(ADJ)) % len(NOUN)].replace('-', ' ')} {i + 1:05d}"
            slug = title.lower().replace(" ", "-")
            assert slug not in used
            used.add(slug)
            self.services.append((slug, title))
        for i in range(self.n_reasons):
            cond = CONDITIONS[i % len(CONDITIONS)].replace("-", " ")
            title = f"Referral for {cond} {i + 1:05d}"
            slug = title.lower().replace(" ", "-")
            self.reasons.append((slug, title, owner[i]))
        for k in range(n_physicians):
            first, last = ADJ[k % len(ADJ)], NOUN[(k // len(ADJ)) % len(NOUN)].split("-")[0]
            slug = f"{first}-{last}-{k + 1:04d}".lower()
            services = sorted({k % self.n_services, (k * 7 + 3) % self.n_services})
            locs = sorted({self.locations[k % len(self.locations)][0]})
            self.physicians.append((slug, first, f"{last} {k + 1:04d}", services, locs))

    # ---- text -----------------------------------------------------------
    def words(self, k):
        return [self.rng.choice(WORDS) for _ in range(k)]

    def sentence(self):
        w = self.words(self.rng.randint(8, 16))
        return w[0].capitalize() + " " + " ".join(w[1:]) + "."

    def paragraph(self, links):
        parts = []
        for _ in range(self.rng.randint(3, 5)):
            s = self.sentence()
            if links and self.rng.random() < 0.35:
                text, href = links.pop()
                s = s[:-1] + f", see [{text}]({href})."
            parts.append(s)
        return " ".join(parts)

    def body(self, links, page=None):
        """600-900 words of Markdown (200-3,000 in the wide shape):
        paragraphs under ## headings, a list, a table (on 40% of the wide
        shape's pages, `page` their number), and `links` [(text, href)]
        spread through it."""
        wide = self.tables is not None
        target = self.rng.randint(200, 3000) if wide else self.rng.randint(600, 900)
        table = not wide or self.tables[page]
        links = list(links)
        out = []
        count = 0
        section = 0

        def add(block):
            nonlocal count
            out.append(block)
            count += len(block.split())

        add(self.paragraph(links))
        while count < target:
            section += 1
            add(f"## {' '.join(self.words(3)).capitalize()} {section}")
            add(self.paragraph(links))
            if section == 1:
                add("\n".join(f"- {' '.join(self.words(self.rng.randint(4, 9))).capitalize()}" for _ in range(5)))
            elif section == 2 and table:
                rows = ["| Step | When | Who |", "|---|---|---|"]
                for r in range(5):
                    rows.append(f"| {' '.join(self.words(4)).capitalize()} | Within {r + 1} business days | {' '.join(self.words(2)).capitalize()} |")
                add("\n".join(rows))
            elif section == 3:
                add("\n".join(f"{k + 1}. {' '.join(self.words(self.rng.randint(5, 10))).capitalize()}, **{self.rng.choice(WORDS)}**" for k in range(4)))
            if count < target:
                add(self.paragraph(links))
        # links not placed yet go into a closing list
        if links:
            out.append("## Related pages")
            out.append("\n".join(f"- [{t}]({h})" for t, h in links))
        return "\n\n".join(out) + "\n"

    def description(self, what):
        return f"{what}: {' '.join(self.words(10))}."[:150]

    # ---- pages ----------------------------------------------------------
    def service_page(self, i):
        slug, title = self.services[i]
        rng = self.rng
        checklist = SERVICE_CHECKLISTS[i % len(SERVICE_CHECKLISTS)]
        locations = self.locations
        locs = sorted({locations[i % len(locations)][0], locations[(i + 2) % len(locations)][0]})
        fm = [
            "---",
            f"title: {title}",
            f"description: {yq(self.description('Consults and treatment in ' + title))}",
            f"weight: {i % 50 + 1}",
            f"checklist: {checklist}",
            f"locations: [{', '.join(locs)}]",
            "referring:",
            "  appropriate_for:",
            *[f"    - {yq(self.sentence())}" for _ in range(3)],
            f"  phone: {yq(PHONES[0])}",
            f"  fax: {yq(PHONES[1])}",
            "  email: referrals@bench-health.example",
            "  portal: https://referrals.bench-health.example",
            "  response_time: We confirm receipt the same business day and offer a consult within 5 business days.",
            f"  urgent: {yq('For urgent cases call ' + PHONES[0] + ' and ask for the physician on call.')}",
            "  results: Consult notes reach the referring clinician within 48 hours of the visit.",
            "  contacts:",
            f"    - {{ role: Referral coordinator, name: Coordinator {i + 1:05d}, phone: {yq(PHONES[0])}, email: referrals@bench-health.example }}",
            "---",
        ]
        links = [(self.reasons[j][1], f"/referrals/{self.reasons[j][0]}/") for j in self.reasons_of(i)][:4]
        for _ in range(3):
            o = rng.randrange(self.n_services)
            links.append((self.services[o][1], f"/services/{self.services[o][0]}/"))
        loc = locations[i % len(locations)]
        links.append((loc[1], f"/locations/{loc[0]}/"))
        links.append(("How to refer", f"/services/{slug}/refer/"))
        return f"services/{slug}.md", "\n".join(fm) + "\n" + self.body(links, i)

    def reason_page(self, j):
        slug, title, si = self.reasons[j]
        rng = self.rng
        service = self.services[si]
        urgency = ["routine", "routine", "priority", "urgent"][j % 4]
        audience = ["clinician", "both", "patient"][j % 3]
        description = self.description('When to refer for ' + title.lower())
        self.reason_descriptions[j] = description
        fm = [
            "---",
            f"title: {title}",
            f"description: {yq(description)}",
            f"weight: {j % 20 + 1}",
            f"service: {service[0]}",
        ]
        if j % 5 == 0:
            fm.append(f"checklist: {SERVICE_CHECKLISTS[(si + 1) % len(SERVICE_CHECKLISTS)]}")
        fm += [
            f"urgency: {urgency}",
            f"audience: {audience}",
            "criteria:",
            *[f"  - {yq(self.sentence())}" for _ in range(3)],
            "exclusions:",
            *[f"  - {yq(self.sentence())}" for _ in range(2)],
            "faq:",
            *[f"  - q: {yq(self.sentence()[:-1] + '?')}\n    a: {yq(self.sentence())}" for _ in range(2)],
            "---",
        ]
        links = [(service[1], f"/services/{service[0]}/")]
        for _ in range(3):
            o = rng.randrange(self.n_reasons)
            links.append((self.reasons[o][1], f"/referrals/{self.reasons[o][0]}/"))
        loc = self.locations[j % len(self.locations)]
        links.append((loc[1], f"/locations/{loc[0]}/"))
        return f"referrals/{slug}.md", "\n".join(fm) + "\n" + self.body(links, self.n_services + j)

    def reasons_of(self, i):
        """The reasons of service line `i`, in order."""
        if self.tables is None:
            return range(i, self.n_reasons, self.n_services)
        if not hasattr(self, "_by_service"):
            self._by_service = {}
            for j, r in enumerate(self.reasons):
                self._by_service.setdefault(r[2], []).append(j)
        return self._by_service.get(i, [])

    def physician_page(self, k):
        slug, first, last, services, locs = self.physicians[k]
        fm = [
            "---",
            f"title: {first} {last}",
            f"description: {yq(self.description(f'Dr. {first} {last} sees patients in ' + self.services[services[0]][1]))}",
            f"weight: {k % 30 + 1}",
            "honorific: Dr.",
            "credentials: MD",
            f"services: [{', '.join(self.services[i][0] for i in services)}]",
            f"locations: [{', '.join(locs)}]",
            "accepting_new_patients: true",
            "---",
        ]
        body = "\n\n".join([self.paragraph([]), self.paragraph([])]) + "\n"
        return f"physicians/{slug}.md", "\n".join(fm) + "\n" + body

    def location_page(self, k):
        slug, title, street, postal, lat, lng = self.locations[k]
        fm = [
            "---",
            f"title: {title}",
            f"description: {yq(self.description('Parking, hours and directions for ' + title))}",
            f"weight: {k + 1}",
            f"address: {{ street: {street}, city: Benchton, region: OR, postal_code: {yq(postal)}, country: US }}",
            f"phone: {yq(PHONES[0])}",
            f"fax: {yq(PHONES[1])}",
            f"geo: {{ lat: {lat}, lng: {lng} }}",
            "hours:",
            '  - { days: [Mo, Tu, We, Th, Fr], opens: "08:00", closes: "17:00" }',
            "---",
        ]
        body = "\n\n".join([
            self.paragraph([]),
            "## Parking",
            self.paragraph([]),
            "## Getting here",
            "\n".join(f"- {self.sentence()}" for _ in range(3)),
        ]) + "\n"
        return f"locations/{slug}.md", "\n".join(fm) + "\n" + body

    def pages(self):
        yield "_index.md", (
            "---\ntitle: Bench Health Partners\n"
            "description: Specialty care with easy referrals for clinicians and clear next steps for patients.\n---\n"
            "Browse our [service lines](/services/), [referral reasons](/referrals/) and "
            "[locations](/locations/), or [refer a patient](/refer/).\n"
        )
        sections = [("services", "Service lines"), ("referrals", "Referral reasons"), ("locations", "Locations")]
        if self.physicians:
            sections.append(("physicians", "Physicians"))
        for sec, title in sections:
            yield f"{sec}/_index.md", (
                f"---\ntitle: {title}\ndescription: {title} at Bench Health Partners.\n---\n"
                f"All {title.lower()} of the practice.\n"
            )
        yield "privacy.md", (
            "---\ntitle: Privacy policy\ndescription: How Bench Health Partners handles what you send through this site.\n---\n"
            + self.paragraph([]) + "\n"
        )
        for k in range(len(self.locations)):
            yield self.location_page(k)
        for k in range(len(self.physicians)):
            yield self.physician_page(k)
        for i in range(self.n_services):
            yield self.service_page(i)
        for j in range(self.n_reasons):
            yield self.reason_page(j)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def checklist_yaml(table, cid, resolved):
    title, parent, items = table[cid] if not resolved else (resolve_checklist(cid, table)[0], None, resolve_checklist(cid, table)[1])
    lines = [f"title: {title}"]
    if parent:
        lines.append(f"extends: {parent}")
    lines.append("items:")
    for iid, label, required, detail in items:
        lines += [f"  - id: {iid}", f"    label: {yq(label)}", f"    required: {'true' if required else 'false'}", f"    detail: {yq(detail)}"]
    return "\n".join(lines) + "\n"


ZOLA_KEYS = ("title", "description", "weight")
ZOLA_SECTIONS = {
    # section: (template, page_template)
    "services": ("section.html", "service.html"),
    "referrals": ("referrals.html", "referral.html"),
    "locations": ("section.html", "page.html"),
    "physicians": ("section.html", "page.html"),
}


def tq(text):
    """A TOML basic string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def zola_page(rel, text):
    """The same page for Zola: front matter keys Zola does not know go under
    `extra:`; a section's `_index.md` gets TOML front matter with its
    templates and sort order."""
    _, fm, body = text.split("---\n", 2)
    keys, extra = [], []
    for line in fm.splitlines():
        if line.split(":", 1)[0] in ZOLA_KEYS:
            keys.append(line)
        else:
            extra.append("  " + line.replace("\n", "\n  "))
    if rel.endswith("_index.md"):
        fields = dict(line.split(": ", 1) for line in keys)
        toml = [f"title = {tq(fields['title'])}", f"description = {tq(fields['description'])}"]
        section = rel.split("/")[0]
        if section in ZOLA_SECTIONS:
            template, page_template = ZOLA_SECTIONS[section]
            toml += ['sort_by = "weight"', f'template = "{template}"', f'page_template = "{page_template}"']
        return "+++\n" + "\n".join(toml) + "\n+++\n" + body
    if extra:
        keys += ["extra:"] + extra
    return "---\n" + "\n".join(keys) + "\n---\n" + body


def toml_tables(rows):
    """A TOML array of inline tables (TOML's strings are JSON's, escapes included)."""
    import json
    return "[" + ", ".join("{ " + ", ".join(f"{k} = {json.dumps(v)}" for k, v in r.items()) + " }" for r in rows) + "]"


def zola_site(gen, zola, table):
    """Config, templates and data of the Zola site (the Markdown is written
    by main): what Hugo's cached partials compute (the navigation, the
    footer's locations, each service line's reasons) is data here, since
    Zola has no cached partial."""
    services = sorted(range(gen.n_services), key=lambda i: (i % 50 + 1, gen.services[i][1]))
    nav = [{"title": gen.services[i][1], "path": f"/services/{gen.services[i][0]}/"} for i in services[:30]]
    locations = [
        {"title": t, "path": f"/locations/{slug}/", "street": st, "city": "Benchton", "region": "OR",
         "postal_code": pc, "phone": PHONES[0]}
        for slug, t, st, pc, _, _ in gen.locations
    ]
    import json
    config = [
        'base_url = "https://www.bench-health.example"',
        'title = "Bench Health Partners"',
        'default_language = "en"',
        "compile_sass = false",
        "minify_html = true",
        "generate_feeds = false",
        "build_search_index = false",
        "",
        "[extra]",
        'org_name = "Bench Health Partners"',
        f'org_phone = "{PHONES[0]}"',
        f'org_fax = "{PHONES[1]}"',
        'org_email = "info@bench-health.example"',
        f"nav_more = {'true' if gen.n_services > 30 else 'false'}",
        "nav = " + toml_tables(nav),
        "locations = " + toml_tables(locations),
    ]
    write(os.path.join(zola, "config.toml"), "\n".join(config) + "\n")
    shutil.copytree(os.path.join(BENCH, "zola-templates"), os.path.join(zola, "templates"))
    os.makedirs(os.path.join(zola, "static"))
    shutil.copyfile(os.path.join(REPO, "themes", "clinic", "css", "site.css"), os.path.join(zola, "static", "site.css"))
    for cid in sorted(table):
        title, items = resolve_checklist(cid, table)
        data = {"title": title, "items": [{"label": l, "required": r, "detail": d} for _, l, r, d in items]}
        write(os.path.join(zola, "data", "checklists", f"{cid}.json"), json.dumps(data))
    for i, (slug, _) in enumerate(gen.services):
        reasons = sorted(gen.reasons_of(i), key=lambda j: (j % 20 + 1, gen.reasons[j][1]))
        data = [{"title": gen.reasons[j][1], "path": f"/referrals/{gen.reasons[j][0]}/",
                 "urgency": ["routine", "routine", "priority", "urgent"][j % 4],
                 "description": gen.reason_descriptions[j]} for j in reasons]
        write(os.path.join(zola, "data", "reasons", f"{slug}.json"), json.dumps(data))


def main():
    args = sys.argv[1:]
    shape = "default"
    if len(args) >= 2 and args[0] == "--shape":
        shape = args[1]
        args = args[2:]
    if shape not in ("default", "wide") or len(args) != 2 or not args[0].isdigit() or int(args[0]) < 2:
        sys.exit("usage: gen-corpus.py [--shape default|wide] N OUT_DIR   (N >= 2 content pages)")
    n = int(args[0])
    out = os.path.abspath(args[1])
    hand = os.path.join(out, "handoff")
    hugo = os.path.join(out, "hugo")
    zola = os.path.join(out, "zola")
    for d in (hand, hugo, zola):
        if os.path.exists(d):
            shutil.rmtree(d)

    gen = Gen(n, shape)
    table = gen.checklists
    # handoff: config, theme, checklists with `extends`
    os.makedirs(hand)
    shutil.copyfile(os.path.join(BENCH, "site.toml"), os.path.join(hand, "site.toml"))
    shutil.copytree(os.path.join(REPO, "themes"), os.path.join(hand, "themes"))
    # hugo: config, layouts, checklists resolved (Hugo has no `extends`)
    os.makedirs(hugo)
    shutil.copyfile(os.path.join(BENCH, "hugo-config.toml"), os.path.join(hugo, "config.toml"))
    shutil.copytree(os.path.join(BENCH, "hugo-layouts"), os.path.join(hugo, "layouts"))
    os.makedirs(os.path.join(hugo, "assets", "css"))
    shutil.copyfile(os.path.join(REPO, "themes", "clinic", "css", "site.css"), os.path.join(hugo, "assets", "css", "site.css"))
    for cid in sorted(table):
        write(os.path.join(hand, "content", "checklists", f"{cid}.yaml"), checklist_yaml(table, cid, False))
        write(os.path.join(hugo, "data", "checklists", f"{cid}.yaml"), checklist_yaml(table, cid, True))

    words = 0
    for rel, text in gen.pages():
        write(os.path.join(hand, "content", rel), text)
        write(os.path.join(hugo, "content", rel), text)
        write(os.path.join(zola, "content", rel), zola_page(rel, text))
        words += len(text.split())
    zola_site(gen, zola, table)
    print(
        f"gen-corpus ({shape}): {gen.n_services} service lines, {gen.n_reasons} referral reasons, "
        f"{len(gen.locations)} locations, {len(gen.physicians)} physicians, {len(table)} checklists, "
        f"{words} words -> {out}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
