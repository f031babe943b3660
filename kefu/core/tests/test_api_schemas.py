"""Issue 11 item 12: every schema of the published API has its own name. django-ninja names an OpenAPI
component after the class, so two classes with one name silently document one endpoint with the other's
fields (the work-order transition showed the counter process's)."""

from collections import defaultdict

from pydantic import BaseModel

from kefu.api import api


def _models_in(annotation):
    """The pydantic models an annotation names, looking inside list[…], X | None and dict[…, …]."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for argument in getattr(annotation, "__args__", ()) or ():
        yield from _models_in(argument)


def _with_nested(model, seen):
    if model in seen:
        return
    seen.add(model)
    for field in model.model_fields.values():
        for nested in _models_in(field.annotation):
            _with_nested(nested, seen)


def _all_routers(routers) -> list:
    """The routers and the routers mounted in them (workforce mounts one per subject)."""
    found = []
    for router in routers:
        found.append(router)
        found += _all_routers([child for _prefix, child, *_tags in router._routers])
    return found


def route_schemas() -> set[type]:
    """Every schema class a route reads or answers, with the schemas nested in them."""
    found: set[type] = set()
    for router in _all_routers([router for _prefix, router in api._routers]):
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.models:  # ninja's wrapper per parameter source (body, query, …)
                    for field in model.model_fields.values():
                        for schema in _models_in(field.annotation):
                            _with_nested(schema, found)
                for response in operation.response_models.values():
                    answer = getattr(response, "model_fields", {}).get("response")  # NOT_SET for none
                    for schema in _models_in(answer.annotation if answer else None):
                        _with_nested(schema, found)
    return found


def test_no_two_schema_classes_of_the_api_share_a_name():
    # given
    schemas = route_schemas()

    # when
    by_name: dict[str, set[str]] = defaultdict(set)
    for schema in schemas:
        by_name[schema.__name__].add(f"{schema.__module__}.{schema.__qualname__}")
    clashes = {name: sorted(owners) for name, owners in by_name.items() if len(owners) > 1}

    # then
    assert len(schemas) > 50
    assert clashes == {}


def test_the_published_schema_documents_the_work_order_transition_with_its_own_fields():
    # given
    document = api.get_openapi_schema()
    operation = document["paths"]["/api/hotline/work-orders/{order_id}/transitions"]["post"]

    # when
    reference = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    component = document["components"]["schemas"][reference.rsplit("/", 1)[1]]

    # then
    assert {"unit_id", "new_owner_id", "level", "emergency"} <= set(component["properties"])
    assert "facts" not in component["properties"]


def test_the_published_schema_documents_a_customers_contact_persons_as_people():
    # given
    document = api.get_openapi_schema()
    detail = document["components"]["schemas"]["CustomerDetail"]

    # when
    reference = detail["properties"]["contact_persons"]["items"]["$ref"]
    component = document["components"]["schemas"][reference.rsplit("/", 1)[1]]

    # then
    assert set(component["properties"]) == {"name", "relation", "phone", "is_primary"}
