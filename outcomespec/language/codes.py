"""The registry of diagnostic codes: stable identifiers, each with an explanation.

Codes never change meaning once published; tools and documentation link to them. The
explanation is what `outcomespec explain-code CODE` prints and what the docs publish.
"""

from __future__ import annotations

from attrs import frozen


@frozen
class CodeInfo:
    """What a diagnostic code means and how to fix what it reports."""

    code: str
    severity: str
    title: str
    explanation: str


def _registry(*entries: CodeInfo) -> dict[str, CodeInfo]:
    return {entry.code: entry for entry in entries}


CODES: dict[str, CodeInfo] = _registry(
    # ---- reading files and syntax (E0xx, E1xx)
    CodeInfo("E001", "error", "file cannot be read",
             "The file named on the command line or in an `import` does not exist, is a "
             "directory, or cannot be opened. Check the path."),
    CodeInfo("E002", "error", "file is not UTF-8",
             "Framework files must be UTF-8 text. Re-save the file as UTF-8 (most editors "
             "offer this under 'Save with encoding')."),
    CodeInfo("E003", "error", "file too large",
             "Framework files larger than 8 MiB are refused so that a stray data file given "
             "by mistake cannot exhaust memory. Split the framework, or check the path."),
    CodeInfo("E101", "error", "unexpected word or symbol",
             "The parser met something it did not expect at this point. The help line lists "
             "what may come here."),
    CodeInfo("E102", "error", "character not allowed",
             "This character cannot start any word of the language. Names use letters, digits "
             "and `_`; text goes in double quotes."),
    CodeInfo("E103", "error", "unexpected end of file",
             "The file ended inside a block or an expression: a `}` or `)` is probably missing. "
             "The label shows where the unclosed block begins."),
    CodeInfo("E104", "error", "nested too deeply",
             "Expressions and blocks may nest at most 150 levels. Deeper nesting is almost "
             "always a mistake; name parts of the expression with `define`."),
    CodeInfo("E105", "error", "invalid literal",
             "A date, number, percentage or range is malformed, e.g. `2025-02-30`, a "
             "confidence level outside (0%, 100%), or a range whose low end is above its "
             "high end."),
    CodeInfo("E106", "error", "unterminated text",
             "A quoted text is missing its closing `\"` before the end of the line."),
    CodeInfo("E107", "error", "not exactly one framework or library",
             "Each file declares exactly one `framework` or `library` block; everything else "
             "goes inside it."),
    # ---- names, scopes and imports (E2xx)
    CodeInfo("E201", "error", "unknown name",
             "The name is not declared in this file or in anything it imports, or is not in "
             "scope here (columns are in scope only inside their dataset's rows). The help "
             "line suggests names in scope that are spelt similarly."),
    CodeInfo("E202", "error", "declared twice",
             "Two declarations share a name in one scope. Rename one of them."),
    CodeInfo("E203", "error", "import not found",
             "The imported file does not exist. Paths are relative to the importing file."),
    CodeInfo("E204", "error", "import outside the project",
             "Imports must stay inside the project root: absolute paths, `..` that climbs "
             "out of the root, and symbolic links that point outside it are refused, so that "
             "a framework file can never read arbitrary files."),
    CodeInfo("E205", "error", "import cycle",
             "Files import each other in a loop. Move the shared declarations into a library "
             "that both import."),
    CodeInfo("E206", "error", "ambiguous name",
             "Two imported files declare this name. Import one of them `as` an alias and "
             "write `alias.name`."),
    CodeInfo("E207", "error", "unknown code",
             "The code is not in the column's codelist. The help line suggests codes from "
             "that codelist."),
    CodeInfo("E208", "error", "wrong kind of name",
             "The name exists but is the wrong kind of thing here, e.g. a codelist where a "
             "dataset is needed."),
    CodeInfo("E209", "error", "unrelated datasets",
             "An aggregation reads rows of a dataset that shares no identifier with the rows "
             "it is computed for, so there is no way to tell which rows belong to which unit. "
             "Give both datasets an `identifier` column of the same unit, or use "
             "`for same UNIT`."),
    CodeInfo("E210", "error", "`this` outside an aggregation",
             "`this.COLUMN` refers to the row an aggregation is computed for, so it can only "
             "appear inside `count(...)`, `any(...)` and the other aggregations."),
    CodeInfo("E211", "error", "definition refers to itself",
             "Definitions may use other definitions, but not in a loop; the chain is shown."),
    CodeInfo("E212", "error", "indicator reused before it is declared",
             "An indicator reused `from` another in the same file must come after it, so "
             "that what it reuses has been checked. Move it below, or reuse the indicator "
             "from another file."),
    CodeInfo("E220", "error", "period column in an expression",
             "A dataset's `period` column says which reporting period each row belongs to, "
             "and evaluation reads only the rows of the reporting period by itself. So the "
             "column is not written in conditions: to read other periods, say so after the "
             "dataset's name, e.g. `sum(population_estimate of ons_population for period - 1)` "
             "(the previous period), `for last 3 periods` (three periods pooled) or "
             "`for all periods`."),
    CodeInfo("E250", "error", "identifier of no unit cannot say how it identifies",
             "`national` and `within UNIT` say how an identifier names its unit, so they "
             "need the unit: write `identifier pupil national` or `identifier assessment "
             "within referral`."),
    CodeInfo("E251", "error", "unit identified within a unit the dataset does not identify",
             "`identifier assessment within referral` says an assessment's identifier is "
             "unique only together with its referral's, so the dataset must also have an "
             "identifier of a referral (and of whatever the referral is identified within). "
             "Units cannot be identified within each other in a loop: the outermost unit "
             "(usually a child) is identified on its own."),
    CodeInfo("E252", "error", "identifier both national and within another unit",
             "An identifier unique only within another unit is national exactly when that "
             "unit's identifier is: mark the outermost identifier `national` instead."),
    CodeInfo("E253", "error", "datasets identify a unit differently",
             "Two datasets related through a unit must identify it the same way: within the "
             "same units, and national in both or in neither. Otherwise, related on the "
             "identifier, the rows of two children's referrals numbered alike (CIN census "
             "`CINdetailsID` numbers each child's referrals from 1), or of two authorities' "
             "children with the same local identifier, would be one unit. Declare the "
             "identifier the same way in both datasets."),
    CodeInfo("E254", "error", "codes read by label cannot be told apart",
             "A `code CODELIST by label` column is read from files that write each code's "
             "label (\"Requires improvement to be good\") instead of the code. Two codes with "
             "the same label would be read as either: give every code of the codelist a "
             "label of its own."),
    # ---- types (E3xx)
    CodeInfo("E240", "error", "a file's column declared twice",
             "Two columns of a dataset are read from the same column of the file: a column "
             "declared by its name in the file (`column \"Area Code\" as area_code text`) and "
             "another declared by the same name, or the same name declared twice. Each column "
             "of a file is declared once; rename the other declaration to the column of the "
             "file it means."),
    CodeInfo("E301", "error", "type mismatch",
             "The operator cannot combine values of these types, e.g. adding two dates or "
             "comparing a date with a number."),
    CodeInfo("E302", "error", "condition is not true/false",
             "Filters (`where`, `exclude`, `define` used as a filter) must be conditions."),
    CodeInfo("E303", "error", "codes compared with a non-code value",
             "`in {...}` and code groups apply only to columns typed `code`."),
    CodeInfo("E304", "error", "wrong arguments",
             "The function or aggregation was given the wrong number or types of arguments."),
    # ---- indicators, frameworks and their fields (E4xx)
    CodeInfo("E401", "error", "required field missing",
             "Every indicator states its kind, statistic, who it is about (cohort or "
             "denominator), what it counts, its polarity and the reason for that polarity."),
    CodeInfo("E402", "error", "polarity without a rationale",
             "Say why a higher value is better, worse, or not to be judged; readers of the "
             "published definition need the reason."),
    CodeInfo("E403", "error", "context indicator judged",
             "Indicators of kind `context` describe need or demand; they must have polarity "
             "`no_judgement`."),
    CodeInfo("E404", "error", "field does not fit the statistic",
             "The field is not used by this statistic, e.g. `measure` on a proportion or a "
             "`denominator` on a count, or a field the statistic needs is missing."),
    CodeInfo("E405", "error", "numerator and denominator count different things",
             "A proportion's numerator must count the same unit as its denominator (children "
             "of children, referrals of referrals)."),
    CodeInfo("E406", "error", "field given twice",
             "A field that takes one value appears twice in the same block."),
    CodeInfo("E407", "error", "field cannot be overridden",
             "An indicator reused `from` another framework may override how it is judged and "
             "published (polarity, comparators, confidence, suppression, breakdowns, metadata, "
             "goals) but not what it computes. Breakdowns must be columns of the reused "
             "indicator's cohort."),
    CodeInfo("E408", "error", "unit does not fit the statistic",
             "Proportions are shown as `percent` or a named unit; rates need `per N`; means "
             "and medians need a named unit such as `\"score\"`."),
    CodeInfo("E409", "error", "confidence method does not fit",
             "Wilson limits are for proportions, Byars for counts and rates, Student t for "
             "means; `none` turns limits off."),
    CodeInfo("E410", "error", "invalid value for a field",
             "The word is not one of the values this field accepts; the help line lists "
             "them."),
    CodeInfo("E411", "error", "serves something that is not a goal",
             "`serves` names a goal declared with `goal`, usually in a shared framework."),
    CodeInfo("E412", "error", "comparator not available",
             "The comparator needs geography the framework does not declare, e.g. `region` "
             "without a region level or a neighbour set that no geography declares."),
    CodeInfo("E413", "error", "dataset declaration incomplete",
             "A dataset needs `rows` (what one row describes) and at least one column; a "
             "codelist needs at least one code. A dataset whose `rows` holds a row per year "
             "(`area_year`, or any unit naming `year`) needs `period COLUMN`, or a sum over it "
             "would pool every year in the file."),
    CodeInfo("E420", "error", "periods cannot be chosen here",
             "`for period - N`, `for last N periods` and `for all periods` choose the "
             "reporting periods whose rows are read, so they need a dataset with a `period` "
             "column (a record-level return holds one year and has none). A population based "
             "on a cohort reads the cohort's periods and cannot choose others. A period "
             "column must be an `integer` or `text` column, and its kind one of "
             "`year_ending`, `financial_year`, `academic_year` or `calendar_year`. A dataset "
             "with a period column is not `dated by` its dates: that places a record-level "
             "return, which has none."),
    CodeInfo("E440", "error", "target range missing or misplaced",
             "`polarity target_range LOW .. HIGH \"why\"` judges an indicator against the "
             "range inside which its value is good, written in the indicator's unit (`10 .. "
             "15` for 10% to 15%): the range is required there, and no other polarity takes "
             "one. Use it where a value can be too low as well as too high, as with repeat "
             "child protection plans; where no range can be stated, use `polarity "
             "no_judgement` and say why."),
    CodeInfo("E441", "error", "a target beside a target range",
             "An indicator judged against a target range has its target: `compare target N` "
             "would be a second judgement of the same kind, of which only one can be "
             "published. Remove the target, or judge by direction instead of a range."),
    # ---- units of comparison other than areas (E26x)
    CodeInfo("E260", "error", "rows that belong to no unit of comparison",
             "The indicator compares units other than areas (`benchmark providers`), so "
             "every dataset it counts or adds up must say which unit each of its rows belongs "
             "to: add `rows DATASET by COLUMN` to the comparison, naming the text column (or "
             "a definition of its rows) that holds the register's code of each row's unit. "
             "Without it the rows would be counted in no unit."),
    CodeInfo("E261", "error", "unit of a row is not a code",
             "`rows DATASET by X` names what holds each row's unit: a text column or "
             "definition whose values are codes of the register (an Ofsted URN), not a "
             "number, date or condition."),
    CodeInfo("E262", "error", "funnel for a statistic that has none",
             "Funnel limits (`funnel`, `overdispersed_funnel`) are drawn for proportions, "
             "whose numerator is binomial, and for rates and ratios, whose numerator is a "
             "Poisson count. A mean, median or count has no funnel: compare it by its "
             "confidence interval instead (leave the method out)."),
    CodeInfo("E263", "error", "a unit of one child would be published",
             "A unit other than an area (a provider) with a single child in its denominator "
             "would be published with that child's outcome. `suppress denominators below N` "
             "must withhold at least denominators below 2; 10 is usual for providers."),
    CodeInfo("E264", "error", "funnel among statistical neighbours",
             "A funnel compares the units of one group with the group's value: England, a "
             "region, or a peer group of providers. Each local authority has statistical "
             "neighbours of its own, so there is no one group to draw a funnel for: compare "
             "authorities with their neighbours by `median` or `pooled`, and use `england "
             "funnel` or `region funnel` for a funnel."),
    # ---- written but unused or ineffective (E5xx)
    CodeInfo("E430", "error", "published comparator without a publication",
             "A comparator declared `published` (`compare england published`) is taken from "
             "the indicator's publication: the published table's row for England, the "
             "area's region or its neighbours. The indicator has none, so there is nothing to "
             "take it from. Say where its figures are published, `publication TABLE where … "
             "{ value COLUMN }`, or remove `published` to pool the comparator from the areas "
             "evaluated."),
    CodeInfo("E431", "error", "publication's table names no area",
             "A publication's rows are matched to England, the regions and the local "
             "authorities by the area each names, so its table must declare the columns that "
             "name it: `area area_code` when one column holds every level's code (a "
             "Fingertips export), or `area old_la_code or region_code or country_code` when "
             "rows above an authority name their area in other columns (DfE's tables: a "
             "row's area is the first of them it fills)."),
    CodeInfo("E501", "error", "declared but never used",
             "A definition, cohort or import in a framework that nothing uses. Remove it, or "
             "use it. (Libraries may declare things for others to use.)"),
    CodeInfo("E502", "error", "condition has no effect",
             "The filter is always true or always false, so it cannot be what was meant: e.g. "
             "a code set that holds every code of its codelist, or `is missing` on a column "
             "that is never missing."),
    CodeInfo("E503", "error", "code repeated",
             "The same code appears twice in one set or codelist."),
    # ---- warnings (W6xx)
    CodeInfo("W601", "warning", "code not valid in every collection year",
             "The code was introduced or retired in the collection year shown; in other "
             "years no row can carry it, so the condition will silently match nothing there."),
    CodeInfo("W602", "warning", "numerator checked on data",
             "The numerator is not written as a refinement of the cohort (`cohort where ...`), "
             "so outcomespec cannot prove every counted unit is in the denominator; it checks "
             "this on the data at evaluation time and reports any unit that is not."),
    # ---- data files (D1xx)
    CodeInfo("D101", "error", "column missing from a data file",
             "The dataset declares this column and the file's header does not name it. A "
             "column that is not declared `optional` (nor only collected from or until some "
             "year) must be in the file: no table is built from it. An `optional` column "
             "means its values may be empty, not that the file may lack it: when an "
             "indicator evaluated reads it (or it is the dataset's area column), its absence "
             "is an error too, naming the indicators; with `--keep-going` they are not "
             "evaluated, never computed from a column of missing values. A column collected "
             "only from or until some year may be absent in the other years. Header names "
             "must match the declaration exactly, after surrounding spaces are removed; the "
             "help line suggests similar names in the header. A single authority's return "
             "has no area column (`LA`): give its code as `area` when loading."),
    CodeInfo("D102", "error", "unparseable date",
             "A value of a `date` column is not a date. Write dates as dd/mm/YYYY (01/04/2024) "
             "or YYYY-MM-DD (2024-04-01); a time after the date is allowed and ignored. A "
             "day that does not exist, such as 31/02/2024, is refused. The value is read as "
             "missing and counted in the load report."),
    CodeInfo("D103", "error", "unknown code",
             "A value of a `code` column is not a code of its codelist. Codes are matched "
             "exactly (case matters) after surrounding spaces are removed. Correct the value, "
             "or add the code to the codelist if it is valid. Datasets that declare "
             "`unknown codes warn` get D104 instead."),
    CodeInfo("D104", "warning", "unknown code read as missing",
             "A value of a `code` column is not a code of its codelist, and the dataset says "
             "`unknown codes warn`: the value is read as missing and counted in the load "
             "report. Record-level returns use this because an old code can legitimately "
             "remain on a record that began under an earlier year's list."),
    CodeInfo("D105", "error", "not a number",
             "A value of a `number` or `integer` column is not a number, or an `integer` "
             "column holds a fraction. Write digits with an optional sign and decimal point; "
             "thousands separators (1,234) are allowed. Leave the cell empty, or write one of "
             "the dataset's missing-value symbols, when the value is missing: never 0."),
    CodeInfo("D106", "error", "not a true/false value",
             "A value of a `boolean` column is not one of 1/0, true/false, yes/no or Y/N "
             "(in any case). Leave the cell empty when the value is not known."),
    CodeInfo("D107", "error", "duplicate key",
             "Two rows have the same values in the dataset's `key` columns, so the key does "
             "not identify one row (for example one child appears twice in a table with one "
             "row per child). Both lines are named; correct or remove one of them."),
    CodeInfo("D108", "error", "data file cannot be read",
             "The data file does not exist, is not a .csv or .parquet file, is empty, is not "
             "UTF-8 text, is not comma separated, has broken quoting, names a column twice, "
             "or is a symbolic link out of the data directory; or a row has a different "
             "number of values than the header has columns (that row is left out). Quote "
             "values that contain commas: \"Kingston upon Hull, City of\"."),
    CodeInfo("D109", "warning", "missing value in a required column",
             "A column that is not declared `optional` has an empty value. It is kept as "
             "missing and counted in the load report. Fill in the value, or declare the "
             "column `optional` if it may legitimately be missing. Declared missing-value "
             "symbols (such as `c` for suppressed) are counted but not warned about."),
    CodeInfo("D120", "error", "value outside its declared range",
             "A value of a `number`, `integer` or `date` column lies outside the `range` the "
             "dataset declares for it: a value no return can hold, such as an SDQ score of "
             "400 or a date of birth in 1066. The message names the value and the end of the "
             "range it passes. Correct the value, or leave the cell empty when it is not "
             "known. With `--keep-going` (`keep_going=True`) the value is read as missing "
             "and counted in the load report; it is never counted as it stands."),
    CodeInfo("D121", "error", "repeated row",
             "A row equals an earlier row of the same file in every declared column, and no "
             "`key` of the dataset tells them apart (the dataset declares none, or the row's "
             "key identifier is empty). Both lines are named. In a published table a "
             "repeated row doubles every count it holds; in a record-level return it counts "
             "one episode or review twice. Remove the repeated row; if both rows are real, "
             "declare the column that tells them apart and a `key` naming it."),
    CodeInfo("D122", "warning", "text matches no row but for case or spaces",
             "A condition compares a text column with a text (`geographic_level = \"Local "
             "authority\"`) that no row holds exactly, while some row holds it written in "
             "another case or with surrounding spaces, so the condition selects nothing (or, "
             "with `!=`, everything). Texts are compared exactly: correct the file, or write "
             "the text in the framework as the file does. The message lists the values the "
             "column holds."),
    # ---- areas of the data and the geography (D2xx)
    CodeInfo("D201", "warning", "area codes read only once normalised",
             "Values of a dataset's area column name a local authority of the geography "
             "only once written as its codes are: without leading zeros, a decimal part or "
             "surrounding spaces, letters in capitals (`0202`, `202.0` and ` 202 ` are read as "
             "`202`; `e09000007` as `E09000007`). This is done only when the value as written "
             "names no authority. One warning per file gives the count and the first "
             "example; write the codes as the geography does."),
    CodeInfo("D202", "error", "area codes match no local authority",
             "More than half of the rows of a data file that name an area name no local "
             "authority of the geography, so almost every figure would be blank or left out "
             "of England's. The message names a few of the codes and the code system they "
             "look like (ONS 9-character codes such as E09000007, DfE 3-digit codes, names). "
             "A geography level matches data by its `code` column and by every "
             "`alternative_code` column: declare the column that holds the file's codes as "
             "an `alternative_code` of the level (the shipped geography declares DfE's "
             "`old_la_code` and ONS's `new_la_code` both), or write the geography's codes "
             "in the file."),
    CodeInfo("D203", "warning", "some area codes match no local authority",
             "A few codes in a data file's area column name no local authority of the "
             "geography in any year, such as an authority the geography's table leaves out. "
             "Their rows are counted in no authority, region or England. The message names "
             "the codes and the first line; add the authorities to the geography's table "
             "(with the years they existed), or correct the codes."),
    CodeInfo("D204", "warning", "rows of an authority that did not exist in the period",
             "Rows that an indicator would have counted name a local authority that the "
             "geography says did not exist in the reporting year (Cumbria, 909, ended in "
             "2023; Northamptonshire, 928, in 2021). They are counted in no authority, "
             "region or England, and the authority has no row in the results. Such rows "
             "usually belong to another year: check the rows' reporting year, or the years "
             "the geography gives the authority (`valid_from`, `valid_until`)."),
    CodeInfo("D205", "error", "unknown area",
             "The `area` given for a single authority's return (`--area` on the command "
             "line) is not a local authority of the geography in the reporting year. Give "
             "one of the codes the geography's level of local authorities declares — its "
             "`code` or an `alternative_code` (`805` or `E06000001` for Hartlepool) — of an "
             "authority that existed in the period. The command line exits with status 2 "
             "before any data are evaluated."),
    CodeInfo("D206", "error", "geography table contradicts itself",
             "The table a geography level reads its local authorities from gives one code "
             "(a `code` or an `alternative_code`) to two authorities in the same reporting "
             "year, or gives an authority years that end before they begin. Rows could not "
             "be placed in one authority: correct the codes, or the years each authority "
             "existed (the level's `valid_from` and `valid_until` columns)."),
    CodeInfo("D207", "error", "returns of another authority",
             "A single authority's run (`--area` on the command line, `area=` in the API) "
             "was given returns whose records name another local authority in their area "
             "column: the header of an XML return (`LEA`), or a column of a CSV file. "
             "Evaluated, they would be counted in no authority, and the authority asked "
             "for would be published with figures from no records — zeros that look real — "
             "so nothing is evaluated, even with `--keep-going`. Give the code of the "
             "authority whose returns they are, or point `--data` at the right authority's "
             "files."),
    # ---- data found wrong while evaluating (D2xx)
    CodeInfo("D210", "warning", "numerator exceeds denominator",
             "A proportion's numerator is larger than its denominator in this local "
             "authority, which cannot be right: typically the two counts come from different "
             "years, tables or units, or one of them was mistyped. The value is left blank "
             "with the note `numerator_exceeds_denominator` (the counts are still shown), and "
             "the authority's counts are left out of its region's and England's, whose values "
             "are marked `incomplete`. Check the figures named in the message."),
    CodeInfo("D220", "warning", "rows name no unit of the register",
             "Rows of a dataset counted per unit of comparison (a placement per provider) "
             "name a unit that is not in the register (an Ofsted URN not on the list, or "
             "`XXXXXXX` for provision Ofsted does not register), or none. They are counted "
             "in no unit and in neither a region's nor England's pooled figures, which cover "
             "the register's units only. The message gives how many, and examples: check the "
             "codes against the register, or the register's date."),
    CodeInfo("D160", "warning", "no published figure for an area",
             "The publication holds no row for England or a region in the period evaluated "
             "(or several, which disagree), so that comparator cannot be taken from it: the "
             "area's row is left blank with the note `not_available`, and nothing is judged "
             "against it. Check the publication's `where` (does it select the period's rows "
             "and the right category?) and that the table covers the period; a region the "
             "table does not know (DfE's Inner and Outer London against the nine ONS regions "
             "of a Fingertips export) needs the geography's regions to be the table's."),
    CodeInfo("D161", "warning", "publication not supplied",
             "A comparator is declared `published`, but the table the publication reads was "
             "not given with the data, so England, the regions and the neighbours' median "
             "cannot be taken from it: their rows are left blank with the note "
             "`not_evaluated`, and nothing is judged against them. Give the table "
             "(`<dataset>.csv` beside the other files, or by name in the API), or evaluate "
             "with pooled comparators (`--comparators pooled`)."),
    CodeInfo("D130", "error", "period cannot be read",
             "A value of the dataset's `period` column is not a year of the column's kind. "
             "Years are written 2025, 2024-25, 2024/25, 2024/2025, 202425 (EES) or 20240000 "
             "(Fingertips' sortable code); a financial or academic year needs both its years "
             "(a bare 2025 could be 2024-25 or 2025-26) and a calendar year only one. The row "
             "belongs to no period and is never read for one."),
    CodeInfo("D131", "error", "no data for the period",
             "None of the datasets holds rows for the reporting period asked for (or for any "
             "period at all), so every figure would be blank. The message names the periods "
             "the data hold; evaluate one of them, or give the data of the period. Without "
             "`--period` the latest period the data hold is used."),
    CodeInfo("D132", "warning", "return holds a later year",
             "A record-level return (SSDA903, CIN census) holds one reporting year, the latest "
             "in which it records its events. Evaluated for an earlier period, it gives only "
             "what it recorded about that period, which is not that period's own return: "
             "children who left care before the later return began are missing. Give the "
             "earlier return, or evaluate the return's own period."),
    # ---- XML returns (D17x)
    CodeInfo("D170", "error", "XML return refused",
             "An XML return (CIN census, SSDA903) is not read at all: it is not well-formed "
             "XML (the message gives the line and column where the parser stopped), or it "
             "holds what no return holds and what makes XML dangerous to read: a document "
             "type declaration (`<!DOCTYPE`), whose entities can expand a small file to "
             "gigabytes (an \"XML bomb\") or read other files (external entities); elements "
             "nested more than 32 deep; a value longer than 4,096 characters. Returns are "
             "read with these refused from the first byte, so a hostile file costs "
             "milliseconds. Export the return again from the case-management system."),
    CodeInfo("D171", "warning", "element not in the return's schema",
             "An XML return holds an element that its schema does not have where it stands "
             "(or text between elements); it is not read. A misspelt element is the usual "
             "cause, and the help line suggests the nearest name: its value is then missing, "
             "and the required elements missing are reported too. Elements are matched "
             "exactly, case included."),
    CodeInfo("D172", "error", "element given twice",
             "An element that the return's schema allows once in its parent is given twice: "
             "a value such as `CINreferralDate` twice in one `CINdetails` (the first is "
             "read), a block such as `ChildIdentifiers` twice in one `Child` (both are read, "
             "so the child has two rows), or two authorities in the header. Which one is "
             "right cannot be known: correct the return."),
    CodeInfo("D173", "warning", "XML file that is no return outcomespec reads",
             "An XML file in the data directory is not a CIN census (root `Message`, "
             "`Collection` CIN) or an SSDA903 XML return (root `EXPSSDA903`), so it is not "
             "read. Move it out of the data directory, or give the return it was meant to "
             "be."),
    CodeInfo("D174", "warning", "required block missing",
             "A block of an XML return that its schema requires is missing: a `Child` with "
             "no `ChildCharacteristics` or no `CINdetails`, a `Disabilities` with no "
             "`Disability`, an assessment's `FactorsIdentifiedAtAssessment` with no "
             "`AssessmentFactors`. The rows it would have given are missing from their "
             "tables (a child with no ethnicity recorded is in no ethnic group). Values "
             "missing from a block are reported as empty values of their columns (D109), or "
             "as a column missing from the file when no block gives them (D101)."),
)
"""Every diagnostic code outcomespec can emit."""
