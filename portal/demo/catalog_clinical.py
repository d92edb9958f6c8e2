"""Demo catalog, clinical part: ICD-10-SE diagnoses, lab analyses, ATC medications, vaccines, texts.

Chronic profiles tie a diagnosis to its medications, its lab series and its follow-up unit kind, so a
person's record hangs together (a diabetic has HbA1c taken every few months and metformin).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ICD10SE = "urn:oid:1.2.752.116.1.1.1.1.3"
ATC = "http://www.whocc.no/atc"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"


def concept(system: str, code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


@dataclass(frozen=True)
class Analysis:
    key: str
    name: str
    loinc: str
    unit: str
    ucum: str
    low: float | None
    high: float | None
    mean: float
    spread: float
    decimals: int

    @property
    def code(self) -> dict[str, Any]:
        return concept(LOINC, self.loinc, self.name)


def _a(key: str, name: str, loinc: str, unit: str, ucum: str, low: float | None, high: float | None,
       mean: float, spread: float, decimals: int = 1) -> Analysis:
    return Analysis(key, name, loinc, unit, ucum, low, high, mean, spread, decimals)


ANALYSES: dict[str, Analysis] = {a.key: a for a in (
    _a("glukos", "P-Glukos", "2345-7", "mmol/L", "mmol/L", 4.0, 6.0, 5.4, 0.6),
    _a("hba1c", "B-HbA1c", "4548-4", "mmol/mol", "mmol/mol", 27, 42, 39, 4, 0),
    _a("hb", "B-Hb", "718-7", "g/L", "g/L", 117, 170, 138, 10, 0),
    _a("krea", "P-Kreatinin", "2160-0", "µmol/L", "umol/L", 45, 105, 78, 12, 0),
    _a("tsh", "S-TSH", "3016-3", "mIE/L", "m[IU]/L", 0.4, 4.0, 2.0, 0.7),
    _a("ldl", "P-LDL-kolesterol", "13457-7", "mmol/L", "mmol/L", None, 3.0, 3.1, 0.6),
    _a("kolesterol", "P-Kolesterol", "2093-3", "mmol/L", "mmol/L", None, 5.0, 5.2, 0.7),
    _a("crp", "P-CRP", "1988-5", "mg/L", "mg/L", None, 5, 3, 2, 0),
    _a("natrium", "P-Natrium", "2951-2", "mmol/L", "mmol/L", 137, 145, 140, 2, 0),
    _a("kalium", "P-Kalium", "2823-3", "mmol/L", "mmol/L", 3.5, 4.4, 4.0, 0.25),
    _a("alat", "P-ALAT", "1742-6", "µkat/L", "ukat/L", None, 1.1, 0.5, 0.2, 2),
    _a("ntprobnp", "P-NT-proBNP", "33762-6", "ng/L", "ng/L", None, 300, 250, 120, 0),
    _a("lpk", "B-Leukocyter", "6690-2", "×10⁹/L", "10*9/L", 3.5, 8.8, 6.0, 1.2),
    _a("ferritin", "S-Ferritin", "2276-4", "µg/L", "ug/L", 10, 150, 60, 25, 0),
)}


@dataclass(frozen=True)
class Medication:
    atc: str
    name: str
    dosage: str

    @property
    def code(self) -> dict[str, Any]:
        return concept(ATC, self.atc, self.name)


@dataclass(frozen=True)
class Profile:
    """A chronic condition with what follows from it."""

    icd: str
    name: str
    min_age: int
    chance: float  # chance per adult of 60, scaled by age in the generator
    medications: tuple[Medication, ...]
    analyses: tuple[str, ...]
    unit_kind: str  # where it is followed up
    plan: str  # care plan title
    drift: float = 0.0  # change of the lab values per year, in spreads

    @property
    def code(self) -> dict[str, Any]:
        return concept(ICD10SE, self.icd, self.name)


def _m(atc: str, name: str, dosage: str) -> Medication:
    return Medication(atc, name, dosage)


PROFILES: tuple[Profile, ...] = (
    Profile("E11.9", "Typ 2-diabetes utan komplikationer", 35, 0.09,
            (_m("A10BA02", "Metformin", "1 tablett 500 mg 2 gånger dagligen"),),
            ("hba1c", "glukos", "krea"), "primary_care", "Vårdplan diabetes typ 2", 0.4),
    Profile("I10.9", "Essentiell hypertoni", 35, 0.25,
            (_m("C09AA02", "Enalapril", "1 tablett 10 mg 1 gång dagligen"),
             _m("C08CA01", "Amlodipin", "1 tablett 5 mg på morgonen")),
            ("krea", "kalium", "natrium"), "primary_care", "Vårdplan högt blodtryck", 0.1),
    Profile("E78.0", "Ren hyperkolesterolemi", 40, 0.12,
            (_m("C10AA05", "Atorvastatin", "1 tablett 20 mg till kvällen"),),
            ("ldl", "kolesterol", "alat"), "primary_care", "Vårdplan blodfetter", -0.3),
    Profile("E03.9", "Hypotyreos, ospecificerad", 25, 0.05,
            (_m("H03AA01", "Levotyroxin", "1 tablett 100 mikrogram på morgonen"),),
            ("tsh",), "primary_care", "Vårdplan sköldkörtel", -0.2),
    Profile("J45.9", "Astma, ospecificerad", 5, 0.08,
            (_m("R03AK07", "Budesonid/formoterol", "1 inhalation 2 gånger dagligen"),),
            (), "primary_care", "Vårdplan astma"),
    Profile("I48.9", "Förmaksflimmer, ospecificerat", 55, 0.06,
            (_m("B01AF02", "Apixaban", "1 tablett 5 mg 2 gånger dagligen"),),
            ("hb", "krea"), "hospital", "Vårdplan förmaksflimmer"),
    Profile("I50.9", "Hjärtsvikt, ospecificerad", 60, 0.04,
            (_m("C03CA01", "Furosemid", "1 tablett 40 mg på morgonen"),
             _m("C07AB07", "Bisoprolol", "1 tablett 5 mg dagligen")),
            ("ntprobnp", "krea", "kalium", "natrium"), "hospital", "Vårdplan hjärtsvikt", 0.3),
    Profile("F32.1", "Medelsvår depressiv episod", 18, 0.06,
            (_m("N06AB06", "Sertralin", "1 tablett 50 mg på morgonen"),),
            (), "psychiatry", "Behandlingsplan depression"),
    Profile("M81.9", "Osteoporos, ospecificerad", 60, 0.06,
            (_m("M05BA04", "Alendronsyra", "1 tablett 70 mg en gång i veckan"),),
            (), "primary_care", "Vårdplan benskörhet"),
    Profile("F03.9", "Ospecificerad demens", 75, 0.08,
            (_m("N06DA02", "Donepezil", "1 tablett 5 mg till kvällen"),),
            ("hb", "tsh"), "primary_care", "Vårdplan minnessjukdom"),
    Profile("D50.9", "Järnbristanemi, ospecificerad", 18, 0.03,
            (_m("B03AA07", "Järn(II)sulfat", "1 tablett 100 mg dagligen"),),
            ("hb", "ferritin"), "primary_care", "Vårdplan blodbrist", -0.5),
)


@dataclass(frozen=True)
class Acute:
    """A short illness: a contact, a note, maybe a diagnosis, lab tests and a medication."""

    icd: str
    name: str
    reason: str
    unit_kind: str
    analyses: tuple[str, ...]
    medication: Medication | None
    assessment: str

    @property
    def code(self) -> dict[str, Any]:
        return concept(ICD10SE, self.icd, self.name)


ACUTE: tuple[Acute, ...] = (
    Acute("J06.9", "Akut övre luftvägsinfektion", "Halsont och feber sedan tre dagar", "primary_care", ("crp",),
          None, "Virusorsakad luftvägsinfektion. Egenvårdsråd."),
    Acute("N39.0", "Urinvägsinfektion utan angiven lokalisation", "Sveda vid miktion", "primary_care", (),
          _m("J01CA08", "Pivmecillinam", "1 tablett 400 mg 3 gånger dagligen i 5 dagar"),
          "Okomplicerad nedre urinvägsinfektion."),
    Acute("J18.9", "Pneumoni, ospecificerad", "Hosta, feber och andfåddhet", "hospital", ("crp", "lpk", "hb"),
          _m("J01CE02", "Fenoximetylpenicillin", "1 tablett 1 g 3 gånger dagligen i 7 dagar"),
          "Samhällsförvärvad pneumoni, behandlas peroralt."),
    Acute("M54.5", "Lumbago", "Ryggont efter lyft", "primary_care", (),
          _m("N02BE01", "Paracetamol", "1 g vid behov, högst 4 g per dygn"),
          "Ospecifik ländryggssmärta utan varningstecken. Fysioterapi rekommenderas."),
    Acute("S52.5", "Fraktur på nedre delen av radius", "Fall på handen", "hospital", (),
          _m("N02BE01", "Paracetamol", "1 g vid behov, högst 4 g per dygn"),
          "Distal radiusfraktur, gipsas i sex veckor."),
    Acute("R07.4", "Bröstsmärta, ospecificerad", "Tryck över bröstet vid ansträngning", "hospital",
          ("hb", "krea", "kalium"), None, "Inga tecken på akut koronart syndrom. Remiss för arbetsprov."),
    Acute("H66.9", "Otitis media, ospecificerad", "Öronvärk och feber", "primary_care", (),
          _m("J01CE02", "Fenoximetylpenicillin", "Mikstur enligt vikt 3 gånger dagligen i 5 dagar"),
          "Akut mediaotit."),
    Acute("L20.9", "Atopiskt eksem, ospecificerat", "Kliande utslag i armvecken", "primary_care", (),
          _m("D07AB02", "Hydrokortisonbutyrat", "Smörjs tunt 1 gång dagligen i 2 veckor"),
          "Atopiskt eksem, mjukgörande och kortisonkräm."),
)

# (ATC, name, age in months when given, unit kind, number of doses over the age)
CHILD_VACCINES: tuple[tuple[str, str, int, str], ...] = (
    ("J07CA09", "Difteri, stelkramp, kikhosta, polio, Hib, hepatit B (Hexyon)", 3, "primary_care"),
    ("J07AL52", "Pneumokockvaccin (Synflorix)", 3, "primary_care"),
    ("J07CA09", "Difteri, stelkramp, kikhosta, polio, Hib, hepatit B (Hexyon)", 5, "primary_care"),
    ("J07AL52", "Pneumokockvaccin (Synflorix)", 5, "primary_care"),
    ("J07CA09", "Difteri, stelkramp, kikhosta, polio, Hib, hepatit B (Hexyon)", 12, "primary_care"),
    ("J07BD52", "Mässling, påssjuka, röda hund (M-M-RVAXPRO)", 18, "primary_care"),
    ("J07CA02", "Difteri, stelkramp, kikhosta, polio (Tetravac)", 60, "primary_care"),
    ("J07BD52", "Mässling, påssjuka, röda hund (M-M-RVAXPRO)", 84, "school_health"),
    ("J07BM03", "Humant papillomvirus (Gardasil 9)", 132, "school_health"),
    ("J07BM03", "Humant papillomvirus (Gardasil 9)", 138, "school_health"),
    ("J07AJ52", "Difteri, stelkramp, kikhosta (Boostrix)", 168, "school_health"),
)
ADULT_VACCINES: tuple[tuple[str, str], ...] = (
    ("J07BB02", "Influensavaccin (Vaxigrip Tetra)"),
    ("J07BN01", "Covid-19-vaccin (Comirnaty)"),
)
PNEUMOCOCCAL = ("J07AL01", "Pneumokockvaccin (Pneumovax)")

ALLERGIES: tuple[tuple[str, str, str, str], ...] = (
    ("91936005", "Penicillinallergi", "Utslag och klåda", "high"),
    ("91935009", "Jordnötsallergi", "Svullnad i läppar och svalg", "high"),
    ("419474003", "Allergi mot mögel", "Nästäppa", "low"),
    ("232347008", "Pollenallergi (björk)", "Rinnsnuva och kliande ögon", "low"),
    ("232350006", "Allergi mot katt", "Astmabesvär och nysningar", "low"),
    ("294505008", "Allergi mot ACE-hämmare", "Torrhosta", "low"),
)

REFERRALS: tuple[tuple[str, str, str], ...] = (
    ("Remiss till fysioterapeut", "Långvariga ryggbesvär", "vc_brandholmen"),
    ("Remiss till ortopedmottagningen", "Knäsmärta, misstänkt artros", "kss_ort"),
    ("Remiss till kardiologmottagningen för arbetsprov", "Ansträngningsutlöst bröstsmärta", "nlas_kard"),
    ("Remiss till medicinkliniken", "Utredning av anemi", "msh_med"),
    ("Remiss till mammografi", "Knöl i vänster bröst", "msh_kvinna"),
    ("Remiss till vuxenpsykiatrin", "Nedstämdhet som inte svarat på behandling", "psyk_eskilstuna"),
)

NOTE_TEMPLATES: tuple[str, ...] = (
    "<p><b>Anamnes:</b> {reason}.</p><p><b>Status:</b> Allmäntillstånd gott. Cor: regelbunden rytm, inga blåsljud."
    " Pulm: normala andningsljud.</p><p><b>Bedömning:</b> {assessment}</p>",
    "<p><b>Kontaktorsak:</b> {reason}.</p><p><b>Bedömning:</b> {assessment}</p><p><b>Planering:</b> Återbesök vid"
    " behov. Patienten informerad och instämmer i planeringen.</p>",
    "<p><b>Aktuellt:</b> {reason}.</p><p><b>Åtgärd:</b> {assessment} Uppföljning enligt vårdplan.</p>",
)
HOME_CARE_TEXTS = (
    "Hjälp med morgonrutiner, dusch och påklädning. Brukaren är nöjd.",
    "Läkemedel överlämnade enligt signeringslista. Inga avvikelser.",
    "Tillsyn under natten. Brukaren sov lugnt.",
    "Stöd vid måltid. Åt god portion lunch. Vikten stabil.",
)
SCHOOL_NOTES = (
    "Hälsobesök: samtal om sömn, kost, fysisk aktivitet och trivsel i skolan. Mår bra.",
    "Hälsosamtal. Syn- och hörselkontroll utan anmärkning.",
    "Besök hos skolsköterskan för huvudvärk. Råd om vätskeintag och sömn.",
)
PREPARATIONS = {
    "hospital": "Anmäl dig i receptionen 15 minuter före. Ta med aktuell läkemedelslista och legitimation.",
    "fasting": "Kom fastande från midnatt: inget att äta, bara vatten. Ta med legitimation.",
    "primary_care": "Anmäl dig i kassan eller i automaten vid entrén.",
    "video": "Logga in via länken fem minuter före. Ha legitimation redo och sitt avskilt.",
    "phone": "Vi ringer dig på det telefonnummer du har angett. Samtalet kommer från skyddat nummer.",
    "home_visit": "Personalen kommer hem till dig. Ring om du inte kan ta emot besöket.",
    "school_health": "Kom till skolsköterskans mottagning. Ta med vaccinationskort om du har.",
}
PROFILES_BY_ICD: dict[str, Profile] = {profile.icd: profile for profile in PROFILES}
