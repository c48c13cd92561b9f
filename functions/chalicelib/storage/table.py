"""All state lives in ONE DynamoDB table; this module is the only code that knows its layout.

Keys: `pk` and `sk` (strings). One sparse global secondary index, `gsi1` (`gsi1pk`, `gsi1sk`, all
attributes projected), holds only outbox messages that still have to be sent (or gave up) and the deadline
timers of open applications (gsi1pk=DEADLINE, gsi1sk=<fire time>#<reference>). TTL attribute:
`ttl` (epoch seconds) on tokens and idempotency keys.

    item                 pk                        sk                      notes
    submission           SUB#<reference>           SUBMISSION              the current state, `version`
    event (audit trail)  SUB#<reference>           EVENT#<version:05d>     who, what, when, IP, user agent
    outbox message       SUB#<reference>           OUTBOX#<version>#<nn>   gsi1pk=OUTBOX while pending
    approval token       TOKEN#<sha256 of token>   TOKEN                   ttl = expiry + 30 days
    idempotency key      IDEM#<sha256 of key>      IDEM                    ttl = 1 day; -> reference
    reference counter    COUNTER#<code>#<year>     COUNTER                 `seq`: last number reserved
    rate counter         RATE#<HMAC of client>     WINDOW#<start epoch>    `count`; ttl = window end
    mail problem         SUB#<reference>           PROBLEM#<seq>#<nn>      an SES bounce/complaint of OUTBOX#<seq>#<nn>
    deadline timer       SUB#<reference>           DEADLINE                the next deadline mail: gsi1pk=DEADLINE
    digest mark          DIGEST#<agency>           <local date>            the day's digest was queued (once)
    survey answer        SURVEY#<service>#<sem>    ANSWER#<id>             anonymous: scores, profile (age by decade),
                                                                           suggestion; no day
    survey counter       SURVEYTALLY#<scope>#<id>#<sem>  TALLY             `respondents`, per element `n1..n9` (scores
                                                                           counted) and `s1..s9` (their sum); scope is
                                                                           layanan (id agency/service) or instansi
    survey link used     SURVEYLINK#<sha256>       USED                    the decision mail's survey link was answered
    complaint            SUB#<ticket>              COMPLAINT               ticket ADU-<code>-<year>-<n>: its state,
                                                                           `version`, the contact (coordinator only)
    complaint event      SUB#<ticket>              CEVENT#<version:05d>    answers, forwarding, closing, the
                                                                           complainant's word
    complaint mail       SUB#<ticket>              OUTBOX#<version>#<nn>   outbox messages as above (kinds pengaduan_*)
    complaint link       TOKEN#<sha256 of token>   TOKEN                   an approval token: reference = ticket, step =
                                                                           1 (coordinator) or 2 (forwarded role)
    ticket counter       COUNTER#ADU-<code>#<year> COUNTER                 `seq`: the last number reserved (blocks of
                                                                           ten, as the reference counter)
    complaint timer      SUB#<ticket>              DEADLINE                a deadline timer as above, until answered
    published tanya jawab FAQ#<agency/service>     <published at>#<ticket> the coordinator's question and answer
                                                                           (complaints/faq.py); `ticket` never shown
    complaint figures    FIGURES#<agency>#<month>  ALL, CAT#<category> or SVC#<agency/service>
                                                                           `received`, `answered`, `in_time` (ADD) and
                                                                           `minutes` (to each first answer)

Access patterns (none scans; reads on a request path are GetItem, BatchGetItem or Query on one partition):

    submit               GetItem IDEM; a reference number from the process's block (when the block is
                         empty, one UpdateItem ADD COUNTER seq + 10, atomic: never conflicts, see
                         applications/references.py), then ONE TransactWriteItems: IDEM put if absent,
                         SUBMISSION put if absent, EVENT, TOKENs and OUTBOX puts, and the client's RATE
                         counter +1 (conditional on being under the limit). Submissions to one agency
                         share no item, so a burst does not retry; a lost race on IDEM returns the
                         submission that won; a full RATE window is RateLimitedError.
    applicant status     GetItem SUBMISSION + Query pk=SUB#<ref> begins_with(sk, "EVENT#")
    officer review page  ONE BatchGetItem of TOKEN and SUBMISSION (the link is "<reference>.<token>"),
                         then Query the events                                  (reads only)
    decide / renew link  that BatchGetItem (the events only to explain a refusal), then
                         ONE TransactWriteItems: TOKEN update (unused and unexpired, or expired and not
                         renewed), SUBMISSION put conditional on the version read, EVENT put if absent,
                         next step's TOKENs and OUTBOX puts. Two officers at once, a double click or a
                         retried request: exactly one transaction can pass the version condition.
    outbox: due mail     Query gsi1 gsi1pk=OUTBOX and gsi1sk <= now (gsi1sk starts with next_attempt_at)
    outbox: claim        UpdateItem conditional on pending, unleased (or lease expired), due
    outbox: sent/retry   UpdateItem conditional on still holding the lease; sent removes gsi1pk (leaves
                         the index) and the token nonce
    outbox: given up     Query gsi1 gsi1pk=OUTBOX#GAGAL (operations)
    outbox: oldest       Query gsi1 gsi1pk=OUTBOX, created_at only (each outbox run, for its metric)
    deadline timers      written in the transaction that creates the application (its first deadline mail),
                         replaced by the one that moves it to the next step, deleted by the one that decides
                         it: only open applications with a due time have one, so the index holds what may
                         fall due, never the table
    deadlines: due       Query gsi1 gsi1pk=DEADLINE and gsi1sk <= now (Limit): a run's reads grow with the
                         timers due, not with the applications stored; then GetItem SUBMISSION per timer
    steps waiting        an open SUBMISSION item also carries gsi1pk=WAITING#<agency>#<role of its current
                         step>, gsi1sk=<created_at>#<reference> (a decided one is put without: it leaves the
                         index); the daily digest reads Query gsi1 gsi1pk=WAITING#<agency>#<role>, oldest first
    digest: queue        ONE TransactWriteItems: DIGEST mark put if absent + the officers' OUTBOX puts, in the
                         agency's digest hour on its working days only (no read when it is not the hour)
    deadlines: fire      ONE TransactWriteItems: the DEADLINE item put (next kind) or deleted, conditional on
                         its kind, step and fire time being as read (two overlapping runs: one wins);
                         ConditionCheck SUBMISSION version as read (decided meanwhile: nothing is sent);
                         the mails' TOKENs and OUTBOX puts if absent
    purge timer          the transaction that makes a submission final puts its DEADLINE item as a purge timer
                         (kind hapus_data), due the agency's retention period later (applications/retention.py)
    erase (retention)    when it is due: GetItem SUBMISSION, Query its EVENT#, OUTBOX# and PROBLEM# items, then
                         TransactWriteItems of their erased copies (EVENT and PROBLEM puts, OUTBOX updates) and,
                         last, SUBMISSION put conditional on the version read + DEADLINE delete conditional on its
                         kind and fire time (storage/dynamo_retention.py)
    mail problem         ONE TransactWriteItems: PROBLEM put if absent (an SNS event delivered twice writes
                         nothing), the notices' OUTBOX puts; read back with Query begins_with(sk, "PROBLEM#")
    survey answer        ONE TransactWriteItems: SURVEYLINK put if absent (a link's answer only: a second
                         answer through the link writes nothing), ANSWER put if absent, the service's and
                         the agency's SURVEYTALLY ADD (respondents, n1..n9, s1..s9), the client's RATE
                         counter +1 (the public form only)
    survey link page     GetItem SUBMISSION, GetItem SURVEYLINK                  (reads only)
    published index      ONE BatchGetItem of the SURVEYTALLY items (a service: one key; an agency: its own
                         and its services'), never the answers
    recount (audit)      Query pk=SURVEY#<service>#<sem> begins_with(sk, "ANSWER#")
    file a complaint     GetItem IDEM; a ticket number from the process's block (when it is empty, one
                         UpdateItem ADD COUNTER#ADU-… seq + 10, as for references); then ONE TransactWriteItems:
                         IDEM, COMPLAINT and CEVENT put if absent, the
                         coordinator role's TOKENs and OUTBOX (and the receipt), the month's FIGURES rows ADD
                         received, the client's RATE counter +1 (shared with applications)
    complaint status     GetItem COMPLAINT + Query pk=SUB#<ticket> begins_with(sk, "CEVENT#")
    handler page         ONE BatchGetItem of TOKEN and COMPLAINT (link "<ticket>.<token>"), Query CEVENT#
    answer/forward/close ONE TransactWriteItems: TOKEN update (unused, unexpired), COMPLAINT put conditional on
                         the version read, CEVENT put if absent, the next role's TOKENs and OUTBOX puts, and
                         at the first answer the FIGURES rows ADD answered (in_time) and append `minutes`
    complainant's word   the same transaction without a TOKEN (the status key proved who it is)
    complaint figures    Query pk=FIGURES#<agency>#<YYYY-MM>: counters only, never the complaints
    tanya jawab          Query pk=FAQ#<agency/service>, newest first, Limit 50 (written by the answer's own
                         transaction, put if absent, when the coordinator publishes it)

The outbox index is a single partition: fine for the volume of regional offices (a few thousand
applications a year); shard gsi1pk by a suffix if that ever changes.

Failures of DynamoDB itself (throttling, 5xx, timeouts, lost connections) surface as StoreUnavailableError,
whatever the operation: callers never see botocore. A write that timed out may still have been applied;
the idempotency key (submissions) or the token and version conditions (decisions) make a retry safe.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

if TYPE_CHECKING:  # the stubs are a dev dependency: types only, never imported at run time
    from mypy_boto3_dynamodb import DynamoDBClient

GSI = "gsi1"
OUTBOX_PENDING = "OUTBOX"
OUTBOX_FAILED = "OUTBOX#GAGAL"
DEADLINES_DUE = "DEADLINE"  # gsi1pk of deadline timers (chalicelib/deadlines/)
WAITING = "WAITING"  # gsi1pk WAITING#<agency>#<role>: open submissions by the role of their current step
TTL_ATTRIBUTE = "ttl"


TABLE_DEFINITION: dict[str, Any] = {
    "AttributeDefinitions": [
        {"AttributeName": name, "AttributeType": "S"} for name in ("pk", "sk", "gsi1pk", "gsi1sk")
    ],
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    "GlobalSecondaryIndexes": [
        {
            "IndexName": GSI,
            "KeySchema": [
                {"AttributeName": "gsi1pk", "KeyType": "HASH"},
                {"AttributeName": "gsi1sk", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "ALL"},
        }
    ],
    "BillingMode": "PAY_PER_REQUEST",
}


def ensure_table(client: DynamoDBClient, table_name: str) -> None:
    """Create the table if it is missing and switch TTL on; safe to call at every start."""
    try:
        client.describe_table(TableName=table_name)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
            raise
        try:
            client.create_table(TableName=table_name, **TABLE_DEFINITION)
        except ClientError as create_error:  # another process created it meanwhile
            if create_error.response.get("Error", {}).get("Code") != "ResourceInUseException":
                raise
        client.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    ttl = client.describe_time_to_live(TableName=table_name).get("TimeToLiveDescription", {})
    if ttl.get("TimeToLiveStatus") not in ("ENABLED", "ENABLING"):
        client.update_time_to_live(
            TableName=table_name, TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE}
        )
