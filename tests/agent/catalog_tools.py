"""A 200-tool catalog, shaped like the tools of real MCP servers, for catalog-mode tests and
``bench/catalog_bench.py``.

Ten services (code hosting, tickets, chat, calendar, mail, files, CRM, billing,
monitoring, HR), four resources each, five operations on each resource (list, get,
create, update, delete): 200 tools with JSON Schema arguments and results, described
the way MCP servers describe theirs (a sentence or two, every argument documented).
The tools answer from small deterministic data, so scripted tasks have exact answers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tsact import Tool
from tsact.mcp import MCPTool


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    description: str
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Resource:
    name: str
    plural: str
    description: str
    statuses: tuple[str, ...]
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Service:
    name: str
    title: str
    scope: tuple[Field, ...]
    resources: tuple[Resource, ...]


def _f(name: str, kind: str, description: str, *values: str) -> Field:
    return Field(name, kind, description, values)


SERVICES: tuple[Service, ...] = (
    Service(
        "github",
        "the code host",
        (
            _f("owner", "string", "Account that owns the repository, such as 'acme'"),
            _f("repo", "string", "Repository name without the owner, such as 'web'"),
        ),
        (
            Resource(
                "issue",
                "issues",
                "An issue: a bug report, task or feature request in a repository.",
                ("open", "closed"),
                (
                    _f("title", "string", "One-line summary of the issue"),
                    _f("body", "string", "Markdown description"),
                    _f("labels", "array", "Label names, such as 'bug' or 'docs'"),
                    _f("assignee", "string", "Login of the person working on it"),
                ),
            ),
            Resource(
                "pull_request",
                "pull requests",
                "A pull request: proposed changes from a head branch into a base branch.",
                ("open", "merged", "closed"),
                (
                    _f("title", "string", "One-line summary of the change"),
                    _f("head", "string", "Branch holding the changes"),
                    _f("base", "string", "Branch the changes go into, usually 'main'"),
                    _f("draft", "boolean", "Whether the pull request is still a draft"),
                ),
            ),
            Resource(
                "release",
                "releases",
                "A release: a tagged version of the repository with notes and assets.",
                ("draft", "published"),
                (
                    _f("tag", "string", "Git tag of the release, such as 'v1.4.0'"),
                    _f("name", "string", "Display name of the release"),
                    _f("notes", "string", "Markdown release notes"),
                    _f("prerelease", "boolean", "Whether this is a pre-release"),
                ),
            ),
            Resource(
                "workflow_run",
                "workflow runs",
                "A workflow run: one execution of a CI workflow for a commit.",
                ("queued", "in_progress", "success", "failure"),
                (
                    _f("workflow", "string", "File name of the workflow, such as 'ci.yml'"),
                    _f("branch", "string", "Branch the run was triggered on"),
                    _f("commit", "string", "Full SHA of the commit that was built"),
                    _f("duration_s", "number", "Wall-clock duration in seconds"),
                ),
            ),
        ),
    ),
    Service(
        "jira",
        "the issue tracker",
        (_f("project_key", "string", "Key of the project, such as 'OPS'"),),
        (
            Resource(
                "ticket",
                "tickets",
                "A ticket: a unit of tracked work with a type, priority and assignee.",
                ("todo", "in_progress", "done"),
                (
                    _f("summary", "string", "One-line summary"),
                    _f("kind", "string", "Ticket type", "bug", "task", "story"),
                    _f("priority", "string", "Priority", "low", "medium", "high"),
                    _f("assignee", "string", "Account id of the assignee"),
                ),
            ),
            Resource(
                "sprint",
                "sprints",
                "A sprint: a time-boxed iteration that holds tickets.",
                ("future", "active", "closed"),
                (
                    _f("name", "string", "Sprint name, such as 'OPS Sprint 14'"),
                    _f("goal", "string", "What the sprint should achieve"),
                    _f("start_date", "string", "First day, YYYY-MM-DD"),
                    _f("end_date", "string", "Last day, YYYY-MM-DD"),
                ),
            ),
            Resource(
                "comment",
                "comments",
                "A comment on a ticket, in Jira's wiki markup.",
                ("visible", "hidden"),
                (
                    _f("ticket_key", "string", "Key of the ticket, such as 'OPS-12'"),
                    _f("text", "string", "The comment"),
                    _f("author", "string", "Account id of the author"),
                    _f("internal", "boolean", "Visible to the team only"),
                ),
            ),
            Resource(
                "component",
                "components",
                "A component: a part of the product tickets can be filed against.",
                ("active", "archived"),
                (
                    _f("name", "string", "Component name"),
                    _f("lead", "string", "Account id of the component lead"),
                    _f("description", "string", "What belongs to the component"),
                    _f("default_assignee", "string", "Who new tickets go to"),
                ),
            ),
        ),
    ),
    Service(
        "slack",
        "the team chat",
        (_f("workspace", "string", "Workspace domain, such as 'acme'"),),
        (
            Resource(
                "message",
                "messages",
                "A chat message posted in a channel or a thread.",
                ("sent", "edited", "deleted"),
                (
                    _f("channel", "string", "Channel name with '#', such as '#ops'"),
                    _f("text", "string", "Message text, in Slack's mrkdwn"),
                    _f("thread_ts", "string", "Timestamp of the parent message, for replies"),
                    _f("author", "string", "User id of the author"),
                ),
            ),
            Resource(
                "channel",
                "channels",
                "A channel: a named conversation that members join.",
                ("active", "archived"),
                (
                    _f("name", "string", "Channel name without '#'"),
                    _f("topic", "string", "Channel topic"),
                    _f("private", "boolean", "Whether only invited members can join"),
                    _f("member_count", "number", "Number of members"),
                ),
            ),
            Resource(
                "user_group",
                "user groups",
                "A user group: a handle such as @oncall that notifies its members.",
                ("enabled", "disabled"),
                (
                    _f("handle", "string", "Mention handle without '@'"),
                    _f("name", "string", "Display name"),
                    _f("members", "array", "User ids of the members"),
                    _f("description", "string", "What the group is for"),
                ),
            ),
            Resource(
                "reminder",
                "reminders",
                "A reminder Slack posts to a user or channel at a set time.",
                ("pending", "completed"),
                (
                    _f("text", "string", "What to remind of"),
                    _f("time", "string", "When, ISO 8601 date-time"),
                    _f("target", "string", "User id or channel to remind"),
                    _f("recurring", "boolean", "Whether it repeats every week"),
                ),
            ),
        ),
    ),
    Service(
        "calendar",
        "the calendar",
        (_f("calendar_id", "string", "Calendar id, usually the owner's email address"),),
        (
            Resource(
                "event",
                "events",
                "A calendar event with a time range, attendees and a location.",
                ("confirmed", "tentative", "cancelled"),
                (
                    _f("title", "string", "Event title"),
                    _f("start", "string", "Start, ISO 8601 date-time"),
                    _f("end", "string", "End, ISO 8601 date-time"),
                    _f("attendees", "array", "Email addresses of the attendees"),
                ),
            ),
            Resource(
                "room",
                "rooms",
                "A bookable meeting room.",
                ("available", "closed"),
                (
                    _f("name", "string", "Room name"),
                    _f("building", "string", "Building code"),
                    _f("capacity", "number", "Seats"),
                    _f("has_video", "boolean", "Whether it has a video-call setup"),
                ),
            ),
            Resource(
                "reminder_rule",
                "reminder rules",
                "A rule that sends reminders before events of a calendar.",
                ("on", "off"),
                (
                    _f("minutes_before", "number", "Minutes before the event"),
                    _f("method", "string", "How to remind", "email", "popup"),
                    _f("applies_to", "string", "Event title pattern it applies to"),
                    _f("label", "string", "Name of the rule"),
                ),
            ),
            Resource(
                "out_of_office",
                "out-of-office periods",
                "An out-of-office period that declines new invitations.",
                ("scheduled", "active", "ended"),
                (
                    _f("start", "string", "First day, YYYY-MM-DD"),
                    _f("end", "string", "Last day, YYYY-MM-DD"),
                    _f("message", "string", "Reply sent to invitations"),
                    _f("decline_all", "boolean", "Decline every invitation in the period"),
                ),
            ),
        ),
    ),
    Service(
        "mail",
        "the mailbox",
        (_f("mailbox", "string", "Email address of the mailbox"),),
        (
            Resource(
                "email",
                "emails",
                "An email message in the mailbox.",
                ("unread", "read", "archived"),
                (
                    _f("subject", "string", "Subject line"),
                    _f("sender", "string", "From address"),
                    _f("to", "array", "Recipient addresses"),
                    _f("body_text", "string", "Plain-text body"),
                ),
            ),
            Resource(
                "draft",
                "drafts",
                "A draft email that has not been sent yet.",
                ("editing", "scheduled"),
                (
                    _f("subject", "string", "Subject line"),
                    _f("to", "array", "Recipient addresses"),
                    _f("body_text", "string", "Plain-text body"),
                    _f("send_at", "string", "Scheduled sending time, ISO 8601"),
                ),
            ),
            Resource(
                "label",
                "labels",
                "A mail label used to sort messages.",
                ("visible", "hidden"),
                (
                    _f("name", "string", "Label name"),
                    _f("color", "string", "Hex colour such as '#ff8800'"),
                    _f("message_count", "number", "Messages with the label"),
                    _f("nested_under", "string", "Parent label name"),
                ),
            ),
            Resource(
                "filter",
                "filters",
                "A filter that acts on incoming mail matching criteria.",
                ("enabled", "disabled"),
                (
                    _f("criteria", "string", "Search expression, such as 'from:billing'"),
                    _f("add_label", "string", "Label to add"),
                    _f("archive", "boolean", "Skip the inbox"),
                    _f("forward_to", "string", "Address to forward to"),
                ),
            ),
        ),
    ),
    Service(
        "drive",
        "the file storage",
        (_f("drive_id", "string", "Id of the shared drive, or 'me' for your own"),),
        (
            Resource(
                "file",
                "files",
                "A file stored in the drive.",
                ("active", "trashed"),
                (
                    _f("name", "string", "File name with extension"),
                    _f("mime_type", "string", "MIME type, such as 'application/pdf'"),
                    _f("size_bytes", "number", "Size in bytes"),
                    _f("parent_folder", "string", "Id of the folder holding it"),
                ),
            ),
            Resource(
                "folder",
                "folders",
                "A folder that holds files and other folders.",
                ("active", "trashed"),
                (
                    _f("name", "string", "Folder name"),
                    _f("parent_folder", "string", "Id of the parent folder"),
                    _f("color", "string", "Folder colour"),
                    _f("item_count", "number", "Direct children"),
                ),
            ),
            Resource(
                "permission",
                "permissions",
                "A permission granting a person or group access to a file or folder.",
                ("granted", "pending"),
                (
                    _f("item_id", "string", "Id of the file or folder"),
                    _f("grantee", "string", "Email address of the person or group"),
                    _f("role", "string", "Access level", "reader", "commenter", "writer"),
                    _f("notify", "boolean", "Email the grantee"),
                ),
            ),
            Resource(
                "revision",
                "revisions",
                "A stored revision of a file's content.",
                ("kept", "pruned"),
                (
                    _f("file_id", "string", "Id of the file"),
                    _f("author", "string", "Email address of who saved it"),
                    _f("size_bytes", "number", "Size in bytes"),
                    _f("keep_forever", "boolean", "Exempt from automatic pruning"),
                ),
            ),
        ),
    ),
    Service(
        "crm",
        "the CRM",
        (_f("region", "string", "Sales region", "emea", "amer", "apac"),),
        (
            Resource(
                "contact",
                "contacts",
                "A contact: a person at a customer or prospect.",
                ("lead", "customer", "churned"),
                (
                    _f("full_name", "string", "Full name"),
                    _f("email", "string", "Email address"),
                    _f("company_id", "string", "Id of their company"),
                    _f("phone", "string", "Phone number in E.164 form"),
                ),
            ),
            Resource(
                "deal",
                "deals",
                "A deal: a sales opportunity moving through pipeline stages.",
                ("open", "won", "lost"),
                (
                    _f("title", "string", "Deal name"),
                    _f("amount", "number", "Expected value in USD"),
                    _f("stage", "string", "Pipeline stage", "qualify", "propose", "negotiate"),
                    _f("close_date", "string", "Expected close date, YYYY-MM-DD"),
                ),
            ),
            Resource(
                "company",
                "companies",
                "A company the sales team works with.",
                ("prospect", "customer", "partner"),
                (
                    _f("name", "string", "Company name"),
                    _f("domain", "string", "Web domain, such as 'acme.com'"),
                    _f("employees", "number", "Head count"),
                    _f("industry", "string", "Industry"),
                ),
            ),
            Resource(
                "note",
                "notes",
                "A note logged on a contact, company or deal.",
                ("active", "pinned"),
                (
                    _f("subject_id", "string", "Id of the contact, company or deal"),
                    _f("text", "string", "The note"),
                    _f("author", "string", "Who wrote it"),
                    _f("call_minutes", "number", "Length of the call it records, if any"),
                ),
            ),
        ),
    ),
    Service(
        "billing",
        "the billing system",
        (_f("account", "string", "Billing account id, such as 'acct_main'"),),
        (
            Resource(
                "invoice",
                "invoices",
                "An invoice sent to a customer, with line items and a total.",
                ("draft", "open", "paid", "void"),
                (
                    _f("customer_id", "string", "Id of the customer billed, such as 'cus_42'"),
                    _f("total", "number", "Amount due in USD"),
                    _f("due_date", "string", "Payment due date, YYYY-MM-DD"),
                    _f("memo", "string", "Note printed on the invoice"),
                ),
            ),
            Resource(
                "customer",
                "customers",
                "A paying customer with a payment method on file.",
                ("active", "delinquent", "closed"),
                (
                    _f("name", "string", "Customer name"),
                    _f("email", "string", "Billing email address"),
                    _f("balance", "number", "Outstanding balance in USD"),
                    _f("tax_exempt", "boolean", "Whether taxes are waived"),
                ),
            ),
            Resource(
                "subscription",
                "subscriptions",
                "A subscription billing a customer for a plan every period.",
                ("trialing", "active", "canceled"),
                (
                    _f("customer_id", "string", "Id of the customer"),
                    _f("plan", "string", "Plan", "starter", "team", "enterprise"),
                    _f("seats", "number", "Licensed seats"),
                    _f("renews_on", "string", "Next renewal, YYYY-MM-DD"),
                ),
            ),
            Resource(
                "refund",
                "refunds",
                "A refund of all or part of a payment.",
                ("pending", "succeeded", "failed"),
                (
                    _f("invoice_id", "string", "Id of the refunded invoice"),
                    _f("amount", "number", "Refunded amount in USD"),
                    _f("reason", "string", "Why", "duplicate", "fraud", "requested"),
                    _f("note", "string", "Internal note"),
                ),
            ),
        ),
    ),
    Service(
        "monitoring",
        "the monitoring system",
        (_f("environment", "string", "Environment", "production", "staging"),),
        (
            Resource(
                "alert",
                "alerts",
                "An alert fired by a monitor whose condition was met.",
                ("firing", "acknowledged", "resolved"),
                (
                    _f("monitor", "string", "Name of the monitor that fired"),
                    _f("severity", "string", "Severity", "info", "warning", "critical"),
                    _f("service", "string", "Affected service"),
                    _f("value", "number", "Measured value that crossed the threshold"),
                ),
            ),
            Resource(
                "incident",
                "incidents",
                "An incident: an outage or degradation being handled by responders.",
                ("open", "mitigated", "closed"),
                (
                    _f("title", "string", "Short description of the impact"),
                    _f("severity", "string", "Severity", "sev1", "sev2", "sev3"),
                    _f("commander", "string", "Incident commander"),
                    _f("services", "array", "Affected services"),
                ),
            ),
            Resource(
                "dashboard",
                "dashboards",
                "A dashboard of charts over metrics.",
                ("shared", "private"),
                (
                    _f("title", "string", "Dashboard title"),
                    _f("owner", "string", "Who maintains it"),
                    _f("widgets", "number", "Number of charts"),
                    _f("refresh_s", "number", "Refresh interval in seconds"),
                ),
            ),
            Resource(
                "synthetic_check",
                "synthetic checks",
                "A synthetic check that probes a URL on a schedule.",
                ("passing", "failing", "paused"),
                (
                    _f("url", "string", "URL probed"),
                    _f("interval_s", "number", "Seconds between probes"),
                    _f("locations", "array", "Probe locations, such as 'eu-west'"),
                    _f("expected_status", "number", "HTTP status that counts as up"),
                ),
            ),
        ),
    ),
    Service(
        "hr",
        "the HR system",
        (_f("company", "string", "Legal entity, such as 'acme-gmbh'"),),
        (
            Resource(
                "employee",
                "employees",
                "An employee record with role, team and manager.",
                ("active", "on_leave", "terminated"),
                (
                    _f("full_name", "string", "Full name"),
                    _f("team", "string", "Team name"),
                    _f("manager_id", "string", "Id of their manager"),
                    _f("start_date", "string", "First working day, YYYY-MM-DD"),
                ),
            ),
            Resource(
                "time_off",
                "time-off requests",
                "A request for paid or unpaid time off.",
                ("requested", "approved", "rejected"),
                (
                    _f("employee_id", "string", "Id of the employee"),
                    _f("start", "string", "First day off, YYYY-MM-DD"),
                    _f("end", "string", "Last day off, YYYY-MM-DD"),
                    _f("kind", "string", "Kind of leave", "vacation", "sick", "unpaid"),
                ),
            ),
            Resource(
                "review",
                "performance reviews",
                "A performance review of an employee for one cycle.",
                ("pending", "submitted", "signed"),
                (
                    _f("employee_id", "string", "Id of the employee"),
                    _f("cycle", "string", "Review cycle, such as '2026-H1'"),
                    _f("rating", "number", "Rating from 1 to 5"),
                    _f("summary", "string", "Reviewer's summary"),
                ),
            ),
            Resource(
                "position",
                "open positions",
                "An open position the company is hiring for.",
                ("open", "on_hold", "filled"),
                (
                    _f("title", "string", "Job title"),
                    _f("team", "string", "Hiring team"),
                    _f("location", "string", "Office or 'remote'"),
                    _f("salary_max", "number", "Top of the salary band in USD"),
                ),
            ),
        ),
    ),
)


def _field_schema(field: Field) -> dict[str, Any]:
    schema: dict[str, Any] = {"description": field.description}
    if field.kind == "array":
        schema.update(type="array", items={"type": "string"})
    else:
        schema["type"] = field.kind
    if field.values:
        schema["enum"] = list(field.values)
    return schema


def _object(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def resource_schema(resource: Resource) -> dict[str, Any]:
    """The JSON Schema of one resource as the tools return it."""
    properties: dict[str, Any] = {
        "id": {"type": "string", "description": f"Id of the {resource.name.replace('_', ' ')}"},
        "status": {
            "type": "string",
            "enum": list(resource.statuses),
            "description": "Current status",
        },
        "created_at": {"type": "string", "description": "Creation time, ISO 8601"},
    }
    for field in resource.fields:
        properties[field.name] = _field_schema(field)
    return _object(properties, list(properties))


Handler = Callable[[dict[str, Any]], Any]


def _records(service: Service, resource: Resource) -> list[dict[str, Any]]:
    """Six deterministic records of a resource (statuses cycle, numbers grow)."""
    records: list[dict[str, Any]] = []
    for index in range(6):
        record: dict[str, Any] = {
            "id": f"{resource.name[:3]}_{index + 1}",
            "status": resource.statuses[index % len(resource.statuses)],
            "created_at": f"2026-11-{10 + index:02d}T09:00:00Z",
        }
        for field in resource.fields:
            if field.values:
                record[field.name] = field.values[index % len(field.values)]
            elif field.kind == "number":
                record[field.name] = 100.0 * (index + 1)
            elif field.kind == "boolean":
                record[field.name] = index % 2 == 0
            elif field.kind == "array":
                record[field.name] = ["bug"] if index % 3 == 0 else ["docs"]
            else:
                record[field.name] = f"{field.name.replace('_', ' ')} {index + 1}"
        records.append(record)
    return records


def _tools_of(service: Service, resource: Resource) -> list[Tool]:
    label = resource.name.replace("_", " ")
    scope = {field.name: _field_schema(field) for field in service.scope}
    scope_names = list(scope)
    item = resource_schema(resource)
    data = _records(service, resource)
    writable = {field.name: _field_schema(field) for field in resource.fields}
    id_arg = {f"{resource.name}_id": {"type": "string", "description": f"Id of the {label}"}}
    where = f"in {service.title}"

    def list_items(args: dict[str, Any]) -> Any:
        rows = [row for row in data if args.get("status") in (None, row["status"])]
        query = str(args.get("query", "")).lower()
        rows = [row for row in rows if query in str(row).lower()]
        if "labels" in args:
            rows = [row for row in rows if set(args["labels"]) <= set(row.get("labels", []))]
        page, size = int(args.get("page", 1)), int(args.get("per_page", 30))
        chunk = rows[(page - 1) * size : page * size]
        more = page * size < len(rows)
        return {"items": chunk, "total_count": len(rows), "next_page": page + 1 if more else None}

    def get_item(args: dict[str, Any]) -> Any:
        wanted = args[f"{resource.name}_id"]
        for row in data:
            if row["id"] == wanted:
                return row
        from tsact import ToolError

        raise ToolError(f"no {label} {wanted!r}")

    def create_item(args: dict[str, Any]) -> Any:
        base = dict(data[0])
        base.update({k: v for k, v in args.items() if k in writable})
        base.update(id=f"{resource.name[:3]}_new", status=resource.statuses[0])
        return base

    def update_item(args: dict[str, Any]) -> Any:
        row = dict(get_item(args))
        row.update({k: v for k, v in args.items() if k in writable or k == "status"})
        return row

    def delete_item(args: dict[str, Any]) -> Any:
        get_item(args)
        return {"deleted": True, "id": args[f"{resource.name}_id"]}

    filters: dict[str, Any] = {
        "status": {
            "type": "string",
            "enum": list(resource.statuses),
            "description": f"Only {resource.plural} with this status",
        },
        "query": {
            "type": "string",
            "description": "Free-text search over every text field",
        },
        "created_after": {
            "type": "string",
            "description": "Only items created after this time, ISO 8601",
        },
        "page": {"type": "integer", "minimum": 1, "default": 1, "description": "Page number"},
        "per_page": {
            "type": "integer",
            "minimum": 1,
            "maximum": 100,
            "default": 30,
            "description": "Items per page, at most 100",
        },
    }
    if any(field.name == "labels" for field in resource.fields):
        filters["labels"] = {
            "type": "array",
            "items": {"type": "string"},
            "description": "Only items carrying every one of these labels",
        }
    page_schema = _object(
        {
            "items": {"type": "array", "items": item},
            "total_count": {"type": "integer", "description": "Matches over all pages"},
            "next_page": {
                "type": ["integer", "null"],
                "description": "Next page number, or null on the last page",
            },
        },
        ["items", "total_count", "next_page"],
    )
    deleted = _object({"deleted": {"type": "boolean"}, "id": {"type": "string"}}, ["deleted", "id"])
    specs: list[tuple[str, str, dict[str, Any], dict[str, Any], Handler]] = [
        (
            f"list_{resource.plural.replace('-', '_').replace(' ', '_')}"
            if resource.name != "time_off"
            else "list_time_off_requests",
            f"List the {resource.plural} {where}, newest first. {resource.description} "
            "Filter by status, a text query or creation time; results come in pages.",
            _object({**scope, **filters}, scope_names),
            page_schema,
            list_items,
        ),
        (
            f"get_{resource.name}",
            f"Get one {label} {where} by its id, with every field. {resource.description}",
            _object({**scope, **id_arg}, [*scope_names, *id_arg]),
            item,
            get_item,
        ),
        (
            f"create_{resource.name}",
            f"Create a {label} {where} and return it. {resource.description}",
            _object({**scope, **writable}, [*scope_names, resource.fields[0].name]),
            item,
            create_item,
        ),
        (
            f"update_{resource.name}",
            f"Change fields of an existing {label} {where}; fields left out keep their "
            "value. Returns the updated item.",
            _object(
                {**scope, **id_arg, **writable, "status": filters["status"]},
                [*scope_names, *id_arg],
            ),
            item,
            update_item,
        ),
        (
            f"delete_{resource.name}",
            f"Delete a {label} {where} for good. This cannot be undone.",
            _object(
                {
                    **scope,
                    **id_arg,
                    "reason": {"type": "string", "description": "Why, for the audit log"},
                },
                [*scope_names, *id_arg],
            ),
            deleted,
            delete_item,
        ),
    ]
    return [
        MCPTool(
            name=f"{service.name}_{name}",
            description=description,
            fn=handler,
            input_model=None,
            input_schema_override=schema,
            result_schema=result,
        )
        for name, description, schema, result, handler in specs
    ]


def catalog_tools() -> list[Tool]:
    """The 200 tools, in service order."""
    tools: list[Tool] = []
    for service in SERVICES:
        for resource in service.resources:
            tools.extend(_tools_of(service, resource))
    return tools
