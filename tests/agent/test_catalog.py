"""Large catalogs: the listing, search_tools in scripts, and the agent's catalog mode.

Everything runs for real: the 200-tool catalog of ``catalog_tools``, the sandbox (real
Deno), the type checker, and the openai client over HTTP against the scripted server.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from catalog_tools import catalog_tools
from fake_openai import FakeOpenAI, code
from seed_tools import CITY_TOOLS, MATH_TOOLS

from tsact import Sandbox, Tool, ToolDefinitionError, tool
from tsact._tools.catalog import SEARCH_TOOL_NAME, ToolCatalog, estimate_tokens
from tsact.agent import Agent

pytestmark = pytest.mark.anyio

AgentFactory = Callable[..., Agent]

CATALOG = catalog_tools()


@pytest.fixture(scope="module")
def catalog_sandbox() -> Sandbox:
    return Sandbox(CATALOG, tool_search=True, typecheck=True)


def test_every_tool_has_its_whole_declaration(catalog_sandbox: Sandbox) -> None:
    catalog = catalog_sandbox.catalog
    declared_types = set(re.findall(r"^type (\w+)", catalog_sandbox.declarations(), re.M))
    assert len(catalog.tools) == 200
    for item in catalog.tools:
        text = catalog.declaration(item.name)
        assert f"declare function external_{item.name}(" in text
        # every helper type the function uses is in the snippet
        for name in declared_types:
            if re.search(rf"\b{name}\b", text):
                assert f"type {name} =" in text, (item.name, name)


def test_search_ranks_names_descriptions_and_arguments(catalog_sandbox: Sandbox) -> None:
    catalog = catalog_sandbox.catalog

    def top(query: str) -> str:
        return catalog.search(query)[0].name

    assert top("list issues") == "github_list_issues"
    assert top("post a message to a slack channel") == "slack_create_message"
    assert top("incidents list") == "monitoring_list_incidents"
    assert top("refund an invoice") == "billing_create_refund"
    assert top("grantee role") == "drive_create_permission"  # argument names count
    assert catalog.search("the of a") == []
    answer = catalog.answer("list invoices")
    assert answer.startswith("// 5 best matches for 'list invoices', best first\n")
    assert "declare function external_billing_list_invoices(" in answer
    assert "also matching" in answer and len(answer) < 4000
    assert catalog.answer("zzzz").startswith("No tool matches 'zzzz'")


def test_listing_fits_its_budget_or_lists_names_only(catalog_sandbox: Sandbox) -> None:
    catalog = catalog_sandbox.catalog
    full = catalog.listing()
    assert full.startswith("external_github_*:\n  list_issues: List the issues in the code host")
    assert len(full.splitlines()) == 200 + 10
    shorter = catalog.listing(3000)
    assert estimate_tokens(shorter) <= 3000 < estimate_tokens(full)
    names = catalog.listing(100)
    assert names.splitlines()[0].startswith("external_github_*: list_issues, get_issue, ")
    assert len(names.splitlines()) == 10
    lone = ToolCatalog(MATH_TOOLS, Sandbox(MATH_TOOLS).declarations())
    assert lone.listing() == (
        "external_AddNumbers: Add two integers and return the result\n"
        "external_MultiplyNumbers: Multiply two integers and return the result"
    )


async def test_scripts_search_and_type_checks_see_every_tool(catalog_sandbox: Sandbox) -> None:
    record = await catalog_sandbox.run(
        'const found = await search_tools("list invoices");\nreturn found;'
    )
    assert record.status == "ok", record.error
    assert "declare function external_billing_list_invoices(" in record.result
    assert [call.name for call in record.tool_calls] == [SEARCH_TOOL_NAME]
    # a wrong guess at an unseen tool's arguments is a precise type error
    guessed = await catalog_sandbox.run(
        'return await external_billing_list_invoices({ account: "acct_main", state: "open" });'
    )
    assert guessed.status == "error" and guessed.error is not None
    assert guessed.error.kind == "type"
    assert "'state' does not exist" in guessed.error.message
    right = await catalog_sandbox.run(
        'const page = await external_billing_list_invoices({ account: "acct_main", '
        'status: "open" });\nreturn page.items.map((i) => i.total);'
    )
    assert right.status == "ok", right.error
    assert right.result == [200.0, 600.0]


def test_the_search_name_is_reserved() -> None:
    @tool(name=SEARCH_TOOL_NAME)
    def clash(query: str) -> str:
        """Clash."""
        return query

    with pytest.raises(ToolDefinitionError, match="taken by tsact's tool search"):
        Sandbox([clash], tool_search=True)
    assert Sandbox([clash]).tools == [clash]


def test_small_catalogs_keep_every_declaration(make_agent: AgentFactory) -> None:
    agent = make_agent([*MATH_TOOLS, *CITY_TOOLS])
    assert not agent.catalog_mode and not agent.sandbox.tool_search
    assert "declare function external_search_cities(" in agent.system_prompt
    assert "search_tools" not in agent.system_prompt
    forced = make_agent([*MATH_TOOLS, *CITY_TOOLS], declarations_budget=0)
    assert forced.catalog_mode and forced.sandbox.tool_search
    assert "declare function external_search_cities(" not in forced.system_prompt
    assert "\nexternal_search_cities\n" in forced.system_prompt  # names only: no room
    roomy = make_agent([*MATH_TOOLS, *CITY_TOOLS], declarations_budget=300)
    assert roomy.catalog_mode
    assert "external_search_cities: List the cities of a country" in roomy.system_prompt
    never = make_agent(CATALOG, declarations_budget=None)
    assert not never.catalog_mode
    with pytest.raises(ValueError, match="declarations_budget"):
        make_agent(MATH_TOOLS, declarations_budget=-1)


async def test_agent_in_catalog_mode_searches_then_acts(
    server: FakeOpenAI, make_agent: AgentFactory
) -> None:
    agent = make_agent(CATALOG, typecheck=True)
    assert agent.catalog_mode
    prompt = agent.system_prompt
    assert "There are 200 tools" in prompt and "search_tools(query: string)" in prompt
    assert "declare function external_billing_list_invoices" not in prompt
    assert estimate_tokens(prompt) < estimate_tokens(agent.sandbox.declarations()) / 10
    server.push(
        code('console.log(await search_tools("list invoices"));'),
        code(
            "const page = await external_billing_list_invoices({ account: 'acct_main', "
            "status: 'open' });\n"
            "final_answer(page.items.reduce((sum, i) => sum + i.total, 0));"
        ),
    )
    async with agent:
        run = await agent.run("What do the open invoices of account acct_main add up to?")
    assert run.status == "final_answer", run.error
    assert run.output == 800.0
    assert run.usage.model_calls == 2
    observation = server.requests[1].observation
    assert "declare function external_billing_list_invoices(" in observation
    assert "left out" not in observation  # catalog mode leaves room for the declarations


def test_tools_module_type() -> None:
    assert all(isinstance(item, Tool) for item in CATALOG)
