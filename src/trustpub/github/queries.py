"""Every GraphQL document trustpub sends, in one place (a test validates each against GitHub's
schema with graphql-core).

- `OWNER_PAGE`: one page of an organisation's or a user's repositories, with what the filters
  need and which files a repository has to read (names and sizes only, no text).
- `named(n)`: the same for repositories named on the command line, n per query (aliases).
- `read(actions)`: a batch of repositories' files at their default branch's head commit, with
  the bot's branch and its pull requests.
- `MUTATIONS`: a branch (`createRef`, `updateRef`), one commit (`createCommitOnBranch`), a pull
  request (`createPullRequest`, `updatePullRequest`).

Every query asks `rateLimit { cost remaining resetAt }` so the run can report its points.
"""

from __future__ import annotations

from collections.abc import Sequence

WORKFLOWS_DIR = ".github/workflows"
ACTIONS_DIR = ".github/actions"
PACKAGING_FILES = ("pyproject.toml", "setup.cfg", "setup.py")
ROOT_ACTIONS = ("action.yml", "action.yaml")
TOPICS = 20  # GitHub allows at most 20 topics per repository
PULLS = 20  # pull requests from the bot's branch, newest first
ENVIRONMENTS = 20

RATE_LIMIT = "rateLimit { cost remaining resetAt }"
ROOT_FILES = PACKAGING_FILES + ROOT_ACTIONS  # `root{i}` in LISTED, in this order
_ROOT = "".join(
    f'  root{i}: object(expression: "HEAD:{name}") {{ ... on Blob {{ byteSize }} }}\n'
    for i, name in enumerate(ROOT_FILES)
)

# What discovery needs of a repository, and which files it would read (sizes, for batching).
LISTED = f"""
fragment Listed on Repository {{
  id
  databaseId
  name
  nameWithOwner
  isArchived
  isFork
  isEmpty
  isPrivate
  viewerPermission
  owner {{ __typename login }}
  repositoryTopics(first: {TOPICS}) {{ nodes {{ topic {{ name }} }} }}
  defaultBranchRef {{ name target {{ oid }} }}
  workflows: object(expression: "HEAD:{WORKFLOWS_DIR}") {{ ...Sizes }}
  actions: object(expression: "HEAD:{ACTIONS_DIR}") {{
    ... on Tree {{
      entries {{
        name
        type
        object {{
          ... on Tree {{
            entries {{ name type mode object {{ ... on Blob {{ byteSize }} ...Sizes }} }}
          }}
        }}
      }}
    }}
  }}
{_ROOT}}}

fragment Sizes on Tree {{
  entries {{ name type mode object {{ ... on Blob {{ byteSize }} }} }}
}}
"""
OWNER_PAGE = f"""
query TrustpubOwnerRepositories($login: String!, $first: Int!, $after: String) {{
  repositoryOwner(login: $login) {{
    __typename
    login
    repositories(
      first: $first
      after: $after
      ownerAffiliations: [OWNER]
      orderBy: {{field: NAME, direction: ASC}}
    ) {{
      pageInfo {{ hasNextPage endCursor }}
      nodes {{ ...Listed }}
    }}
  }}
  {RATE_LIMIT}
}}
{LISTED}"""


def named(count: int) -> str:
    """`count` repositories by owner and name: `r{i}` with variables `$o{i}`, `$n{i}`."""
    variables = ", ".join(f"$o{i}: String!, $n{i}: String!" for i in range(count))
    aliases = "\n".join(
        f"  r{i}: repository(owner: $o{i}, name: $n{i}) {{ ...Listed }}" for i in range(count)
    )
    return (
        f"query TrustpubNamedRepositories({variables}) {{\n{aliases}\n  {RATE_LIMIT}\n}}\n{LISTED}"
    )


# What a batch reads of each repository: its files at the head commit of its default branch
# (every file of .github/workflows, the packaging files and action.yml at the root), the bot's
# branch (its head commit: the trailer says whether trustpub made it) and its pull requests.
READ_FILES = {  # alias -> path, at the root
    "pyproject": "pyproject.toml",
    "setupCfg": "setup.cfg",
    "setupPy": "setup.py",
    "actionYml": "action.yml",
    "actionYaml": "action.yaml",
}
_READ_FILES = "".join(
    f'        {alias}: file(path: "{path}") {{ ...File }}\n' for alias, path in READ_FILES.items()
)
BRANCH_AND_PULLS = f"""
  id
  nameWithOwner
  owner {{ login }}
  environments(first: {ENVIRONMENTS}) {{ nodes {{ name }} }}
  bot: ref(qualifiedName: $ref) {{
    id
    target {{
      oid
      ... on Commit {{ message parents(first: 2) {{ totalCount }} author {{ name }} }}
    }}
  }}
  pulls: pullRequests(
    headRefName: $branch
    first: {PULLS}
    orderBy: {{field: CREATED_AT, direction: DESC}}
  ) {{
    nodes {{
      id
      number
      url
      state
      merged
      isDraft
      body
      baseRefName
      headRepositoryOwner {{ login }}
    }}
  }}"""
READ_FRAGMENTS = f"""
fragment Read on Repository {{{BRANCH_AND_PULLS}
  defaultBranchRef {{
    name
    target {{
      oid
      ... on Commit {{
        workflows: file(path: "{WORKFLOWS_DIR}") {{
          object {{ ... on Tree {{ entries {{ name type mode oid object {{ ...Text }} }} }} }}
        }}
{_READ_FILES}      }}
    }}
  }}
}}

fragment File on TreeEntry {{ oid object {{ ...Text }} }}

fragment Text on Blob {{ text isTruncated isBinary byteSize }}
"""


def read(actions: Sequence[int]) -> str:
    """Repository `r{i}` ($o{i}, $n{i}) read with `Read`, and its composite actions `a{j}` at
    paths `$p{i}_{j}`, j < actions[i] (most repositories have none)."""
    declared = ["$ref: String!", "$branch: String!"]
    parts = []
    for i, count in enumerate(actions):
        declared.append(f"$o{i}: String!, $n{i}: String!")
        declared += [f"$p{i}_{j}: String!" for j in range(count)]
        more = ""
        if count:
            files = " ".join(f"a{j}: file(path: $p{i}_{j}) {{ ...File }}" for j in range(count))
            more = f" defaultBranchRef {{ target {{ ... on Commit {{ {files} }} }} }}"
        parts.append(f"  r{i}: repository(owner: $o{i}, name: $n{i}) {{ ...Read{more} }}")
    body = "\n".join(parts)
    return (
        f"query TrustpubRead({', '.join(declared)}) {{\n{body}\n  {RATE_LIMIT}\n}}\n"
        + READ_FRAGMENTS
    )


CREATE_REF = """
mutation TrustpubCreateRef($input: CreateRefInput!) {
  createRef(input: $input) { ref { id name target { oid } } }
}
"""
UPDATE_REF = """
mutation TrustpubUpdateRef($input: UpdateRefInput!) {
  updateRef(input: $input) { ref { id target { oid } } }
}
"""
CREATE_COMMIT = """
mutation TrustpubCommit($input: CreateCommitOnBranchInput!) {
  createCommitOnBranch(input: $input) { commit { oid } }
}
"""
CREATE_PULL = """
mutation TrustpubCreatePull($input: CreatePullRequestInput!) {
  createPullRequest(input: $input) { pullRequest { id number url isDraft } }
}
"""
UPDATE_PULL = """
mutation TrustpubUpdatePull($input: UpdatePullRequestInput!) {
  updatePullRequest(input: $input) { pullRequest { id number } }
}
"""
# The bot's branch and pull requests alone: what a write looks up when its answer was lost.
BRANCH = f"""
query TrustpubBranch($owner: String!, $name: String!, $ref: String!, $branch: String!) {{
  repository(owner: $owner, name: $name) {{{BRANCH_AND_PULLS}
  }}
  {RATE_LIMIT}
}}
"""
MUTATIONS = (CREATE_REF, UPDATE_REF, CREATE_COMMIT, CREATE_PULL, UPDATE_PULL)
