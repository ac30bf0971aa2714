#!/usr/bin/env python3
"""Generate an equivalent benchmark corpus for handoff and for Hugo.

    bench/gen-corpus.py N OUT_DIR

writes

    OUT_DIR/handoff/   site.toml (bench/site.toml), themes/ (the repository's),
                       content/: N content pages (about 20% service lines, 80%
                       referral reasons, 600-900 words each), a handful of
                       locations, shared checklists with `extends`
    OUT_DIR/hugo/      config.toml (bench/hugo-config.toml), layouts/
                       (bench/hugo-layouts/), the same Markdown files, the
                       checklists resolved into data/checklists/<id>.yaml

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

LOCATIONS = [
    ("downtown", "Downtown Campus", "100 River St", "97000", 44.0582, -121.3153),
    ("northside", "Northside Clinic", "2200 Northside Ave", "97001", 44.0911, -121.3012),
    ("eastgate", "Eastgate Medical Pavilion", "45 Eastgate Rd", "97002", 44.0511, -121.2790),
    ("westhills", "West Hills Outpatient Center", "9 Hillcrest Dr", "97003", 44.0630, -121.3601),
    ("riverside", "Riverside Surgery Center", "780 Riverside Blvd", "97004", 44.0401, -121.3222),
]
PHONES = ["+1-555-010-0100", "+1-555-010-0199"]


def resolve_checklist(cid):
    """The items of `cid` with its `extends` chain applied (parent first,
    same id replaces the parent's item in place)."""
    title, parent, items = CHECKLISTS[cid]
    resolved = resolve_checklist(parent)[1] if parent else []
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
    def __init__(self, n):
        self.rng = random.Random(SEED)
        self.n = n
        self.n_services = max(1, round(n * 0.2))
        self.n_reasons = max(1, n - self.n_services)
        self.services = []  # (slug, title)
        self.reasons = []  # (slug, title, service_index)
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
            self.reasons.append((slug, title, i % self.n_services))

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

    def body(self, links):
        """600-900 words of Markdown: paragraphs under ## headings, a list,
        a table, and `links` [(text, href)] spread through it."""
        target = self.rng.randint(600, 900)
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
            elif section == 2:
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
        locs = sorted({LOCATIONS[i % len(LOCATIONS)][0], LOCATIONS[(i + 2) % len(LOCATIONS)][0]})
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
        links = [(self.reasons[j][1], f"/referrals/{self.reasons[j][0]}/") for j in range(i, self.n_reasons, self.n_services)][:4]
        for _ in range(3):
            o = rng.randrange(self.n_services)
            links.append((self.services[o][1], f"/services/{self.services[o][0]}/"))
        loc = LOCATIONS[i % len(LOCATIONS)]
        links.append((loc[1], f"/locations/{loc[0]}/"))
        links.append(("How to refer", f"/services/{slug}/refer/"))
        return f"services/{slug}.md", "\n".join(fm) + "\n" + self.body(links)

    def reason_page(self, j):
        slug, title, si = self.reasons[j]
        rng = self.rng
        service = self.services[si]
        urgency = ["routine", "routine", "priority", "urgent"][j % 4]
        audience = ["clinician", "both", "patient"][j % 3]
        fm = [
            "---",
            f"title: {title}",
            f"description: {yq(self.description('When to refer for ' + title.lower()))}",
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
        loc = LOCATIONS[j % len(LOCATIONS)]
        links.append((loc[1], f"/locations/{loc[0]}/"))
        return f"referrals/{slug}.md", "\n".join(fm) + "\n" + self.body(links)

    def location_page(self, k):
        slug, title, street, postal, lat, lng = LOCATIONS[k]
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
        for sec, title in (("services", "Service lines"), ("referrals", "Referral reasons"), ("locations", "Locations")):
            yield f"{sec}/_index.md", (
                f"---\ntitle: {title}\ndescription: {title} at Bench Health Partners.\n---\n"
                f"All {title.lower()} of the practice.\n"
            )
        yield "privacy.md", (
            "---\ntitle: Privacy policy\ndescription: How Bench Health Partners handles what you send through this site.\n---\n"
            + self.paragraph([]) + "\n"
        )
        for k in range(len(LOCATIONS)):
            yield self.location_page(k)
        for i in range(self.n_services):
            yield self.service_page(i)
        for j in range(self.n_reasons):
            yield self.reason_page(j)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def checklist_yaml(cid, resolved):
    title, parent, items = CHECKLISTS[cid] if not resolved else (resolve_checklist(cid)[0], None, resolve_checklist(cid)[1])
    lines = [f"title: {title}"]
    if parent:
        lines.append(f"extends: {parent}")
    lines.append("items:")
    for iid, label, required, detail in items:
        lines += [f"  - id: {iid}", f"    label: {yq(label)}", f"    required: {'true' if required else 'false'}", f"    detail: {yq(detail)}"]
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) != 3 or not sys.argv[1].isdigit() or int(sys.argv[1]) < 2:
        sys.exit("usage: gen-corpus.py N OUT_DIR   (N >= 2 content pages)")
    n = int(sys.argv[1])
    out = os.path.abspath(sys.argv[2])
    hand = os.path.join(out, "handoff")
    hugo = os.path.join(out, "hugo")
    for d in (hand, hugo):
        if os.path.exists(d):
            shutil.rmtree(d)

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
    for cid in sorted(CHECKLISTS):
        write(os.path.join(hand, "content", "checklists", f"{cid}.yaml"), checklist_yaml(cid, False))
        write(os.path.join(hugo, "data", "checklists", f"{cid}.yaml"), checklist_yaml(cid, True))

    gen = Gen(n)
    words = 0
    for rel, text in gen.pages():
        write(os.path.join(hand, "content", rel), text)
        write(os.path.join(hugo, "content", rel), text)
        words += len(text.split())
    print(
        f"gen-corpus: {gen.n_services} service lines, {gen.n_reasons} referral reasons, "
        f"{len(LOCATIONS)} locations, {len(CHECKLISTS)} checklists, {words} words -> {out}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
