"""What an editor shows about a declaration: a one-line detail (its type, its statistic) and
its description, from the checked model where there is one, else from the syntax."""

from __future__ import annotations

from typing import Any

from outcomespec import model as m
from outcomespec.language import syntax as s


def describe(kind: str, name: str, node: Any, model: m.Framework | None
             ) -> tuple[str, str | None]:
    """(detail, description) of the declaration `node` of `kind`, called `name` in its file
    (`dataset.COLUMN` for columns, `codelist.CODE` for codes)."""
    description = _meta(node, "description")
    if model is None:
        return kind, description
    qualified = f"{model.name}.{name}"
    match kind:
        case "module":
            return f"{model.kind} {model.title or ''}".strip(), description
        case "codelist":
            found = _named(model.codelists, qualified)
            return (f"codelist of {len(found.codes)} codes" if found else kind), description
        case "code":
            return _code(node), description
        case "group":
            return "group of " + ", ".join(code.text for code in node.codes), description
        case "dataset":
            dataset = _named(model.datasets, qualified)
            return (_dataset(dataset) if dataset else kind), description
        case "column":
            return _column(model, qualified), _text(node.description) or description
        case "definition":
            definition = _named(model.definitions, qualified)
            if definition is None:
                return kind, description
            return (f"{definition.expr.type} for each row of "
                    f"`{_short(definition.dataset)}`"), description
        case "cohort":
            cohort = _named(model.cohorts, qualified)
            return (f"cohort of `{_short(cohort.population.dataset)}`" if cohort
                    else kind), description
        case "comparison":
            units = _named(model.comparisons, qualified)
            return (f"{units.level}s of `{_short(units.dataset)}`, compared with their peers"
                    if units else kind), description
        case "indicator":
            indicator = _named(model.indicators, qualified)
            return (_indicator(indicator) if indicator else kind), description
        case _:
            return kind, description


def _named(items: tuple[Any, ...], qualified: str) -> Any:
    return next((item for item in items if item.name == qualified), None)


def _meta(node: Any, key: str) -> str | None:
    for item in getattr(node, "items", None) or getattr(node, "fields", None) or ():
        if isinstance(item, s.Meta) and item.key == key and isinstance(item.value, s.StringLit):
            return item.value.value
    return None


def _text(literal: s.StringLit | None) -> str | None:
    return None if literal is None else literal.value


def _code(entry: s.CodeEntry) -> str:
    years = []
    if entry.since is not None:
        years.append(f"from {entry.since.text}")
    if entry.until is not None:
        years.append(f"until {entry.until.text}")
    return f"code: {entry.label.value}" + (f" ({' '.join(years)})" if years else "")


def _dataset(dataset: m.Dataset) -> str:
    parts = [f"dataset: one row per {dataset.rows}", f"{len(dataset.columns)} columns"]
    if dataset.key:
        parts.append("key " + ", ".join(dataset.key))
    if dataset.period:
        parts.append(f"period column {dataset.period}")
    return "; ".join(parts)


def _column(model: m.Framework, qualified: str) -> str:
    dataset_name, _, column_name = qualified.rpartition(".")
    dataset = _named(model.datasets, dataset_name)
    column = dataset.column(column_name) if dataset else None
    if column is None:
        return "column"
    parts = [f"column: {column.type}"]
    if column.header is not None:
        parts.append(f"\"{column.header}\" in the file")
    if column.optional:
        parts.append("optional")
    if column.bounds is not None:
        parts.append(f"range {column.bounds}")
    if column.since is not None or column.until is not None:
        parts.append(f"collected {column.since or ''}–{column.until or ''}")
    return ", ".join(parts)


def _indicator(indicator: m.Indicator) -> str:
    return (f"{indicator.kind.value} indicator: {indicator.statistic.value}, "
            f"{indicator.unit.label}, {indicator.polarity.value.replace('_', ' ')}")


def _short(qualified: str) -> str:
    return qualified.rsplit(".", 1)[-1]
