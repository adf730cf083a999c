"""The refusals every operation can answer with, written into the OpenAPI schema.

ninja documents only the answers an operation declares, so a client generated from the
schema (the city's platform) would not know that a call can be refused, nor what the
refusal looks like. Each refusal below has a single cause that applies across the whole
API, so it is documented once, here, for the operations it applies to:

- 401: no session and no valid key (every operation requires one);
- 403: the role lacks the permission, the key lacks the module or is read-only;
- 429: the key's rate limit, with ``Retry-After``;
- 404: a record in the path that does not exist or lies outside the caller's data scope;
- 400 and 422: input the operation refuses (422: failed type validation, with where).

An operation that declares one of these itself keeps its own declaration."""

ERROR = {
    "type": "object",
    "title": "Error",
    "properties": {"detail": {"type": "string", "title": "说明"}},
    "required": ["detail"],
}
VALIDATION_ERROR = {
    "type": "object",
    "title": "ValidationError",
    "properties": {"detail": {"type": "array", "items": {"type": "object"}}},
    "required": ["detail"],
}
RETRY_AFTER = {
    "Retry-After": {"description": "需等待的秒数", "schema": {"type": "integer", "minimum": 0}}
}


def _response(description, schema="Error", headers=None):
    answer = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }
    if headers:
        answer["headers"] = headers
    return answer


EVERY_OPERATION = {
    "401": _response("未登录，或接口密钥无效、已吊销、已过期"),
    "403": _response("没有该接口的权限（角色、密钥的模块或只读限制）"),
    "429": _response("接口密钥调用过于频繁", headers=RETRY_AFTER),
}
WITH_PATH_RECORD = {"404": _response("记录不存在或不在调用者的数据范围内")}
WITH_INPUT = {
    "400": _response("请求不符合业务规则（说明中写明原因）"),
    "422": _response("参数或请求体格式不正确（说明中写明位置）", schema="ValidationError"),
}


def document_refusals(schema):
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR)
    components.setdefault("ValidationError", VALIDATION_ERROR)
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            answers = dict(EVERY_OPERATION)
            if "{" in path:
                answers.update(WITH_PATH_RECORD)
            if operation.get("parameters") or operation.get("requestBody"):
                answers.update(WITH_INPUT)
            responses = operation.setdefault("responses", {})
            declared = {str(status) for status in responses}  # ninja keys them by int
            for status, answer in answers.items():
                if status not in declared:
                    responses[status] = answer
    return schema
