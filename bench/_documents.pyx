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
    cdef str source_json, source_type, ft, dept
    cdef tuple agent_parts, key
    cdef object closed_value, source_alias_value, dept_id
    for i in range(n):
        rid = rids[i]
        ts_ = ts[i]
        lm_ = lm[i]
        served_ = served[i]
        msgs_ = msgs[i]
        contact_id, fname = contacts[contact[i]]
        v_closed, v_open, v_author, v_closer, v_id, v_token = visitors[visitor[i]]
        source_json, source_type, source_alias_value = sources[source[i]]
        dept, dept_id = departments[department[i]]
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
                source_alias_value, dept_id, text,
            )
        )
    return opened


def object_ids(const int64_t[::1] seconds, str random_hex):
    """ObjectId-shaped ids: each second as 8 hex digits, then 16 hex digits of `random_hex`."""
    cdef Py_ssize_t i, n = seconds.shape[0]
    cdef unsigned int s
    out = []
    for i in range(n):
        s = <unsigned int>(seconds[i] & 0xFFFFFFFF)
        out.append(f"{s:08x}{random_hex[16 * i : 16 * i + 16]}")
    return out


def visitor_parts(list ids, list usernames, list tokens, list names, const int64_t[::1] contact_of):
    """Per visitor, the JSON a room embeds of it: its `v` when the room is closed / open, as a
    message author, as the closer; then its id and token."""
    cdef Py_ssize_t j, n = len(ids)
    cdef str v, token
    out = []
    for j in range(n):
        token = tokens[j]
        v = f'{{"_id":"{ids[j]}","username":"{usernames[j]}"'
        out.append(
            (
                f'{v},"token":"{token}","status":"offline"}}',
                f'{v},"token":"{token}","status":"online"}}',
                f'{v},"name":"{names[contact_of[j]]}"}}',
                f"{v}}}",
                ids[j],
                token,
            )
        )
    return out


def contact_rows(
    list visitor_rows,
    list contact_rows,
    list key_rows,
    # per contact
    list ids, list names, list emails, list phones, list created, const uint8_t[::1] unknown,
    list plans, list managers,
    const int64_t[::1] first_visitor,  # its visitors are first_visitor[c] to first_visitor[c + 1]
    const int64_t[::1] last_channel, list last_rid, list last_ts,  # its newest room
    # per visitor
    list v_ids, list v_tokens, list v_usernames, const int64_t[::1] v_source,
    # per source: a contact channel's JSON up to its visitor id and from there on, what it knows
    list channel_parts, const uint8_t[::1] knows_email, const uint8_t[::1] knows_phone,
    str sep,
):
    """Append each contact's visitors' rows, its own row and its keys (the columns of
    livechat.store._visitor_columns and contacts.store._columns, then the document's text; the
    keys as contacts.store.insert_contacts writes them), with `lastChat` (its newest room) on the
    contact, on that room's channel and on its visitor."""
    cdef Py_ssize_t c, j, n = len(ids)
    cdef int64_t s
    cdef str cid, name, email, phone, created_, last_chat, text, v_id, channels_text, manager
    cdef tuple parts
    cdef list channels, visitor_keys
    cdef object v_email, v_phone
    for c in range(n):
        cid = ids[c]
        name = names[c]
        email = emails[c]
        phone = phones[c]
        created_ = created[c]
        last_chat = f',"lastChat":{{"_id":"{last_rid[c]}","ts":"{last_ts[c]}"}}'
        channels = []
        visitor_keys = []
        for j in range(first_visitor[c], first_visitor[c + 1]):
            s = v_source[j]
            v_id = v_ids[j]
            parts = channel_parts[s]
            is_last = j - first_visitor[c] == last_channel[c]
            channels.append(f"{parts[0]}{v_id}{parts[1]}{last_chat if is_last else ''}}}")
            visitor_keys.append(v_id)
            text = (
                f'{{"_id":"{v_id}","token":"{v_tokens[j]}","username":"{v_usernames[j]}",'
                f'"ts":"{created_}","status":"offline","name":"{name}","_updatedAt":"{created_}"'
            )
            v_email = v_phone = None
            if knows_email[s]:
                v_email = email.lower()
                text += f',"visitorEmails":[{{"address":"{email}"}}]'
            if knows_phone[s]:
                v_phone = phone
                text += f',"phone":[{{"phoneNumber":"{phone}"}}]'
            text = f"{text}{last_chat if is_last else ''}}}"
            visitor_rows.append((v_id, v_tokens[j], True, v_email, v_phone, text))
        channels_text = ",".join(channels)
        manager = "" if managers[c] is None else f',"contactManager":"{managers[c]}"'
        text = (
            f'{{"_id":"{cid}","name":"{name}","emails":[{{"address":"{email}"}}],'
            f'"phones":[{{"phoneNumber":"{phone}"}}],"unknown":{"true" if unknown[c] else "false"},'
            f'"channels":[{channels_text}],"customFields":{{"plan":"{plans[c]}"}},'
            f'"preRegistration":false,"createdAt":"{created_}","_updatedAt":"{created_}"'
            f"{manager}{last_chat}}}"
        )
        search_text = f"{name}{sep}{email}{sep}{phone}".lower()
        contact_rows.append((cid, True, bool(unknown[c]), name, False, created_, search_text, text))
        # sorted(contacts.store._keys(doc)): e-mail, phone, then the visitors in id order
        key_rows.append(("email", email, cid))
        key_rows.append(("phone", phone, cid))
        visitor_keys.sort()
        for v_id in visitor_keys:
            key_rows.append(("visitor", v_id, cid))
