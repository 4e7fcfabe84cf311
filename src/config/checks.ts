// Value checks used by the config reader. Each returns undefined when the value is fine, or a
// short phrase saying what was expected (the reader adds the key path in front).

/**
 * Appendices, "Server Name": server_name = hostname [ ":" port ]; hostname = IPv4address /
 * "[" IPv6address "]" / dns-name; port = 1*5DIGIT.
 */
export function checkServerName(name: string): string | undefined {
  const expected = 'a server name like example.com or example.com:8448 (Appendices, "Server Name")';
  let host = name;
  let port: string | undefined;
  const v6 = /^\[([0-9A-Fa-f:.]{2,45})\](?::(\d{1,5}))?$/.exec(name);
  if (v6) {
    port = v6[2];
  } else {
    const i = name.lastIndexOf(':');
    if (i >= 0) {
      host = name.slice(0, i);
      port = name.slice(i + 1);
      if (!/^\d{1,5}$/.test(port)) return `${expected}; "${port}" is not a port number`;
    }
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) {
      if (host.split('.').some((n) => Number(n) > 255)) return `${expected}; ${host} is not an IPv4 address`;
    } else if (!/^[0-9A-Za-z.-]{1,255}$/.test(host)) {
      return expected;
    }
  }
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return `${expected}; port ${port} is out of range`;
  return undefined;
}

/** Polylith addresses: `http://host:port` (internal_api.listen/connect, external_api.listen). */
export function checkHttpAddress(addr: string): string | undefined {
  let url: URL;
  try {
    url = new URL(addr);
  } catch {
    return 'an address like http://localhost:7770';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'an http:// or https:// address';
  if (url.port === '') return 'an address with a port, like http://localhost:7770';
  return undefined;
}

/** NATS server addresses: `nats://host:port`, `tls://…`, `ws://…`, `wss://…` or plain `host:port`. */
export function checkNatsAddress(addr: string): string | undefined {
  const expected = 'a NATS address like nats://localhost:4222 (or localhost:4222, ws://host:port)';
  const m = /^(?:(nats|tls|ws|wss):\/\/)?([^/:\s]+|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?\/?$/.exec(addr);
  if (!m) return expected;
  if (m[3] !== undefined && (Number(m[3]) < 1 || Number(m[3]) > 65535)) return `${expected}; port ${m[3]} is out of range`;
  return undefined;
}

/** CIDR ranges for outbound request filtering: `10.0.0.0/8`, `::1/128`. */
export function checkCidr(range: string): string | undefined {
  const expected = 'a network in CIDR notation, like 10.0.0.0/8 or fc00::/7';
  const m = /^([^/]+)\/(\d{1,3})$/.exec(range);
  if (!m) return expected;
  const bits = Number(m[2]);
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(m[1]!)) {
    if (bits > 32 || m[1]!.split('.').some((n) => Number(n) > 255)) return expected;
    return undefined;
  }
  if (/^[0-9A-Fa-f:.]+$/.test(m[1]!) && m[1]!.includes(':') && bits <= 128) return undefined;
  return expected;
}

/** `http://` or `https://` URLs (well_known_client_name, push endpoints, captcha APIs). */
export function checkUrl(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return undefined;
  } catch {
    // fall through
  }
  return 'a URL starting with http:// or https://';
}

/** User IDs (`@localpart:server`), as in exempt_user_ids. */
export function checkUserId(value: string): string | undefined {
  const i = value.indexOf(':');
  if (value[0] !== '@' || i < 2) return 'a user ID like @alice:example.com';
  return checkServerName(value.slice(i + 1)) ? 'a user ID like @alice:example.com' : undefined;
}

/** Room IDs or aliases (auto_join_rooms). */
export function checkRoomIdOrAlias(value: string): string | undefined {
  return /^[!#][^:]+:.+$/.test(value) ? undefined : 'a room alias like #welcome:example.com or a room ID';
}
