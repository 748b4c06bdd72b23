# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""The per-room loop of bench.generate._Builder._rooms, compiled (see there for what it builds).

Each room is one f-string over JSON fragments serialised once; Cython joins its parts in one
allocation, and reads every per-room choice from the batch's arrays as C integers."""

from libc.stdint cimport int64_t, uint8_t


def room_rows(
    list rows,
    dict counts,
    # per room, in write order
    list rids, list ts, list lm, list served, list closed_at, list message_ids,
    const int64_t[::1] msgs,
    const double[::1] total_response,
    const int64_t[::1] duration,
    const int64_t[::1] first,
    const int64_t[::1] tag_set,
    const int64_t[::1] message,
    const int64_t[::1] department,
    const int64_t[::1] agent,  # -1: no agent
    const uint8_t[::1] author_visitor,
    const uint8_t[::1] closer_user,
    const uint8_t[::1] is_open,
    const int64_t[::1] contact,
    const int64_t[::1] visitor,
    const int64_t[::1] source,
    # fragments, indexed by the arrays above
    list contacts, list visitors, list sources, list agents, list departments,
    list chat_durations, list first_responses, list tag_sets, list messages,
    int users_count,
):
    """Append each room's row (the columns of livechat.store._room_columns, then the document's
    text) to `rows`, and count its closed rooms by (contact, source type, alias) in `counts`.
    Returns the number of open rooms."""
    cdef Py_ssize_t i, n = len(rids)
    cdef int64_t msgs_, a
    cdef int opened = 0
    cdef str rid, ts_, lm_, served_, closed_, text, author, closer, contact_id, fname
    cdef str v_closed, v_open, v_author, v_closer, v_id, v_token
    cdef str source_json, source_type, source_alias, ft, dept
    cdef tuple agent_parts, key
    cdef object closed_value, source_alias_value
    for i in range(n):
        rid = rids[i]
        ts_ = ts[i]
        lm_ = lm[i]
        served_ = served[i]
        msgs_ = msgs[i]
        contact_id, fname = contacts[contact[i]]
        v_closed, v_open, v_author, v_closer, v_id, v_token = visitors[visitor[i]]
        source_json, source_type, source_alias_value = sources[source[i]]
        dept = departments[department[i]]
        text = (
            f'{{"_id":"{rid}","t":"l","fname":{fname},"ts":"{ts_}","lm":"{lm_}",'
            f'"msgs":{msgs_},"usersCount":{users_count},"cl":false,'
            f'"v":{v_open if is_open[i] else v_closed},'
            f'"source":{source_json},"contactId":"{contact_id}","verified":false,'
            f'"queuedAt":"{ts_}","priorityWeight":99,"estimatedWaitingTimeQueue":9999999{dept}'
        )
        a = agent[i]
        if a >= 0:
            agent_parts = agents[a]
            if author_visitor[i]:
                author = f'{v_author},"_updatedAt":"{lm_}","token":"{v_token}"'
            else:
                author = f'{agent_parts[1]},"_updatedAt":"{lm_}"'
            text += (
                f'{agent_parts[0]}"{served_}"}},"lastMessage":{{"_id":"{message_ids[i]}","rid":"{rid}",'
                f'"msg":{messages[message[i]]},"ts":"{lm_}","u":{author}}}'
            )
        if is_open[i]:
            text += f',"open":true,"waitingResponse":true,"_updatedAt":"{lm_}"}}'
            opened += 1
            closed_value = None
        else:
            closed_ = closed_at[i]
            if a >= 0 and closer_user[i]:
                closer = f',"closer":"user","closedBy":{agents[a][2]}'
            else:
                closer = f',"closer":"visitor","closedBy":{v_closer}'
            ft = first_responses[first[i]]
            text += (
                f'{closer},"closedAt":"{closed_}","tags":{tag_sets[tag_set[i]]},'
                f'"metrics":{{"chatDuration":{chat_durations[duration[i]]},"v":{{"lq":"{lm_}"}},'
                f'"servedBy":{{"lr":"{lm_}"}},"response":{{"avg":{ft},"fd":"{served_}","ft":{ft},'
                f'"total":{msgs_ // 2},"tt":{repr(total_response[i])}}},'
                f'"reaction":{{"fd":"{served_}","ft":{ft},"tt":{ft}}}}},"_updatedAt":"{closed_}"}}'
            )
            closed_value = closed_
            key = (contact_id, source_type, source_alias_value)  # as livechat.store._count_key
            counts[key] = counts.get(key, 0) + 1
        rows.append(
            (
                rid, "l", contact_id, v_id, v_token, bool(is_open[i]), ts_, closed_value, source_type,
                source_alias_value, text,
            )
        )
    return opened
