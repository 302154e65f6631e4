"""The XML returns outcomespec reads, described as data: which element holds which value, and
which table each repeating element is a row of.

A return is a tree: the CIN census nests a child's episodes of need in the child, the
assessments in the episode and the factors in the assessment. Flattened, each repeating
element becomes a row of one of the tables `frameworks/datasets/` declares, and the nesting
becomes keys: a row carries the identifiers of the rows it lies in (`keys`) and, where the
return numbers nothing itself, the number of its element among its siblings (`number`), as
the DfE CIN validator's flattening does (CINdetailsID, AssessmentID and CPPID count from 1
within their parent, so they are unique only with LAchildID and the parent's number).

Facts, not code, taken from (all MIT licensed):

- the CIN census: DfE's XML schemas 2017-2024 (liiatools `spec/cin_census/CIN_schema_20xx.xsd`,
  SocialFinanceDigitalLabs/liia-tools) and the flattening of the DfE CIN validator
  (data-to-insight/csc-validator-be-cin, `cin_validator/ingress.py`); `Sex` replaces
  `GenderCurrent` from 2024-25 in the validator's fake returns;
- the SSDA903 XML export (root `EXPSSDA903`): the DfE 903 validator's reader
  (data-to-insight/csc-validator-be-903, `lac_validator/ingress.py`, `read_xml_from_text`) and
  its fake return `tests/fake_data/fake_903.xml`. The validator renames `CHILDID` to `CHILD`
  and `PL` to `PLACE`, makes a UASC row for a child whose `UASC` holds a value, an OC3 row
  for one with `IN_TOUCH` and an AD1 row for one with `DATE_INT`: here a row is made when any
  value of the table is given, so that no value given is dropped. The validator reads no
  social worker episodes or deprivation of liberty orders from XML, and neither do we.
"""

from __future__ import annotations

from attrs import frozen

__all__ = ["CIN_CENSUS", "FORMATS", "SSDA903", "Block", "Part", "ReturnFormat"]


@frozen(kw_only=True)
class Part:
    """A row of another table made from some of a block's values (the SSDA903 XML keeps the
    UASC, OC3 and AD1 values in the child's HEADER): made when any of `values` is given."""

    dataset: str
    values: tuple[str, ...]
    keys: tuple[str, ...]
    """Columns taken from the block's own row (CHILD, DOB)."""
    flags: tuple[str, ...] = ()
    """Elements that make the row without being a column of it (`UASC`)."""


@frozen(kw_only=True)
class Block:
    """An element of a return that holds other elements.

    `dataset`: each occurrence is a row of this table (None: it only groups others).
    `values`: the elements holding its values, each read into the column of its name unless
    `renamed`; `known`: elements the schema has that no table reads. `item`: the element's
    own text is the value of this column (CIN `Disability`: one row per disability).
    """

    tag: str
    dataset: str | None = None
    values: tuple[str, ...] = ()
    renamed: tuple[tuple[str, str], ...] = ()
    known: tuple[str, ...] = ()
    blocks: tuple[Block, ...] = ()
    parts: tuple[Part, ...] = ()
    once: bool = True
    """At most one in its parent."""
    required: bool = False
    """At least one in its parent (the schema's minOccurs="1")."""
    number: str | None = None
    """Column numbering the occurrences within the parent from 1 (CINdetailsID)."""
    keys: tuple[str, ...] = ()
    """Columns taken from the rows this one lies in (nearest first), or else from the
    unit's rows (LAchildID, held by the child's ChildIdentifiers)."""
    item: str | None = None
    unit: bool = False
    """Its rows are complete at its end (a child): keys are filled then."""

    def column(self, tag: str) -> str:
        """The column a value element is read into."""
        return dict(self.renamed).get(tag, tag)

    def child(self, tag: str) -> Block | None:
        """The block of a child element, if it is one."""
        return next((block for block in self.blocks if block.tag == tag), None)


@frozen(kw_only=True)
class ReturnFormat:
    """One kind of XML return: its root, its tree, and the tables it fills."""

    name: str
    """What people call it ("CIN census")."""
    library: str
    """The shipped library declaring its tables (`frameworks/datasets/<library>.ospec`)."""
    root: Block
    collection: str | None = None
    """The text of the header's `Collection` element, where the return has one."""
    area: str | None = None
    """The header element giving the authority's code, read into column `LA` of every
    table."""

    def datasets(self) -> tuple[str, ...]:
        """The tables it fills, in the order of the tree."""
        found: list[str] = []

        def walk(block: Block) -> None:
            if block.dataset is not None and block.dataset not in found:
                found.append(block.dataset)
            found.extend(part.dataset for part in block.parts if part.dataset not in found)
            for inner in block.blocks:
                walk(inner)

        walk(self.root)
        return tuple(found)


AREA_COLUMN = "LA"
"""The column the header's authority code fills (every record-level table's `area`)."""

_CHILD_ID = ("LAchildID",)
_EPISODE = ("LAchildID", "CINdetailsID")

CIN_CENSUS = ReturnFormat(
    name="CIN census",
    library="cin_census",
    collection="CIN",
    area="LEA",
    root=Block(tag="Message", blocks=(
        Block(tag="Header", blocks=(
            Block(tag="CollectionDetails", known=("Collection", "Year", "ReferenceDate")),
            Block(tag="Source", once=False, known=(
                "SourceLevel", "LEA", "SoftwareCode", "Release", "SerialNo", "DateTime")),
        )),
        Block(tag="Children", required=True, blocks=(
            Block(tag="Child", once=False, required=True, unit=True, blocks=(
                Block(tag="ChildIdentifiers", dataset="child_identifiers", required=True,
                      values=("LAchildID", "UPN", "FormerUPN", "UPNunknown", "PersonBirthDate",
                              "ExpectedPersonBirthDate", "GenderCurrent", "Sex",
                              "PersonDeathDate")),
                Block(tag="ChildCharacteristics", dataset="child_characteristics",
                      required=True, values=("Ethnicity",), keys=_CHILD_ID, blocks=(
                          Block(tag="Disabilities", blocks=(
                              Block(tag="Disability", dataset="disabilities", once=False,
                                    required=True, item="Disability", keys=_CHILD_ID),
                          )),
                      )),
                Block(tag="CINdetails", dataset="cin_details", once=False, required=True,
                      number="CINdetailsID", keys=_CHILD_ID,
                      values=("CINreferralDate", "ReferralSource", "PrimaryNeedCode",
                              "CINclosureDate", "ReasonForClosure", "DateOfInitialCPC",
                              "ReferralNFA"),
                      blocks=(
                          Block(tag="Assessments", dataset="assessments", once=False,
                                number="AssessmentID", keys=_EPISODE,
                                values=("AssessmentActualStartDate",
                                        "AssessmentInternalReviewDate",
                                        "AssessmentAuthorisationDate"),
                                blocks=(
                                    Block(tag="FactorsIdentifiedAtAssessment", blocks=(
                                        Block(tag="AssessmentFactors",
                                              dataset="assessment_factors", once=False,
                                              required=True, item="AssessmentFactors",
                                              keys=(*_EPISODE, "AssessmentID")),
                                    )),
                                )),
                          Block(tag="CINPlanDates", dataset="cin_plan_dates", once=False,
                                keys=_EPISODE, values=("CINPlanStartDate", "CINPlanEndDate")),
                          Block(tag="Section47", dataset="section47", once=False, keys=_EPISODE,
                                values=("S47ActualStartDate", "InitialCPCtarget",
                                        "DateOfInitialCPC", "ICPCnotRequired")),
                          Block(tag="ChildProtectionPlans", dataset="child_protection_plans",
                                once=False, number="CPPID", keys=_EPISODE,
                                values=("CPPstartDate", "CPPendDate", "InitialCategoryOfAbuse",
                                        "LatestCategoryOfAbuse", "NumberOfPreviousCPP"),
                                blocks=(
                                    Block(tag="Reviews", blocks=(
                                        Block(tag="CPPreviewDate", dataset="cpp_reviews",
                                              once=False, required=True, item="CPPreviewDate",
                                              keys=(*_EPISODE, "CPPID")),
                                    )),
                                )),
                      )),
            )),
        )),
    )),
)
"""The children in need census (DfE `Message/Children/Child` schema)."""

_CHILD_903 = ("CHILD", "DOB")

SSDA903 = ReturnFormat(
    name="SSDA903 return",
    library="ssda903",
    root=Block(tag="EXPSSDA903", blocks=(
        Block(tag="CHILD", once=False, unit=True, blocks=(
            Block(tag="HEADER", dataset="header", required=True, renamed=(("CHILDID", "CHILD"),),
                  values=("CHILDID", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
                  parts=(
                      Part(dataset="uasc", values=("DUC",), flags=("UASC",),
                           keys=("CHILD", "SEX", "DOB")),
                      Part(dataset="oc3", values=("IN_TOUCH", "ACTIV", "ACCOM"),
                           keys=_CHILD_903),
                      Part(dataset="ad1", values=("DATE_INT", "DATE_MATCH", "FOSTER_CARE",
                                                  "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"),
                           keys=_CHILD_903),
                  ),
                  blocks=(
                      Block(tag="AREVIEW", dataset="reviews", once=False, keys=_CHILD_903,
                            values=("REVIEW", "REVIEW_CODE")),
                      Block(tag="AMISSING", dataset="missing", once=False, keys=_CHILD_903,
                            values=("MISSING", "MIS_START", "MIS_END")),
                      Block(tag="PERMANENCE", dataset="previous_permanence", keys=_CHILD_903,
                            values=("PREV_PERM", "LA_PERM", "DATE_PERM")),
                      Block(tag="OC2", dataset="oc2", keys=_CHILD_903,
                            values=("SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK",
                                    "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT",
                                    "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED",
                                    "INTERVENTION_OFFERED")),
                      Block(tag="AD_PLACED", dataset="placed_for_adoption", once=False,
                            keys=_CHILD_903,
                            values=("DATE_PLACED", "DATE_PLACED_CEASED",
                                    "REASON_PLACED_CEASED")),
                  )),
            Block(tag="EPISODE", dataset="episodes", once=False, keys=("CHILD",),
                  renamed=(("PL", "PLACE"),),
                  values=("DECOM", "RNE", "LS", "CIN", "PL", "PLACE_PROVIDER", "DEC", "REC",
                          "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN")),
        )),
    )),
)
"""The SSDA903 children looked after return, as case-management systems export it in XML."""

FORMATS = (CIN_CENSUS, SSDA903)
"""Every XML return read, told apart by their roots."""
