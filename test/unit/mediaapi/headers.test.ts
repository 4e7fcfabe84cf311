// Client-Server API, Content repository: "Serving inline content", the Content-Type of uploads
// (optional since v1.12, default application/octet-stream), mxc:// URI sanitising ("Security
// considerations"), and the multipart/mixed answers of the federation "Content Repository".
import { describe, expect, test } from 'bun:test';
import { MatrixError } from '../../../src/http/errors.ts';
import { contentDisposition, dispositionFileName, remoteContentType, uploadContentType, uploadFileName } from '../../../src/mediaapi/headers.ts';
import { IpBlocklist, parseIp } from '../../../src/mediaapi/ip-ranges.ts';
import { multipartMediaResponse, parseMultipartMedia } from '../../../src/mediaapi/multipart.ts';
import { checkMxcParts, isValidMediaId, isValidServerName, newMediaId } from '../../../src/mediaapi/mxc.ts';

const errcode = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as MatrixError).errcode;
  }
  return 'no error';
};

describe('Content-Disposition ("Serving inline content")', () => {
  test('inline only for the listed types, attachment otherwise', () => {
    expect(contentDisposition('image/png', undefined)).toBe('inline');
    expect(contentDisposition('Text/Plain; charset=utf-8', undefined)).toBe('inline');
    expect(contentDisposition('text/html', 'x.html')).toBe('attachment; filename="x.html"');
    expect(contentDisposition('image/svg+xml', undefined)).toBe('attachment');
    expect(contentDisposition('application/octet-stream', undefined)).toBe('attachment');
  });

  test('file names: quoted ASCII with escapes, RFC 8187 for the rest; parsed back the same', () => {
    expect(contentDisposition('image/png', 'a "b"\\c.png')).toBe('inline; filename="a \\"b\\"\\\\c.png"');
    const unicode = contentDisposition('image/png', '☕ café.png');
    expect(unicode).toBe("inline; filename*=utf-8''%E2%98%95%20caf%C3%A9.png");
    expect(dispositionFileName(unicode)).toBe('☕ café.png');
    expect(dispositionFileName('attachment; filename="a \\"b\\".txt"')).toBe('a "b".txt');
    expect(dispositionFileName('inline; filename=plain.txt')).toBe('plain.txt');
    expect(dispositionFileName('inline')).toBeUndefined();
  });
});

describe('upload parameters', () => {
  test('Content-Type is optional (application/octet-stream) but must be a media type when given', () => {
    expect(uploadContentType(undefined)).toBe('application/octet-stream');
    expect(uploadContentType('image/png')).toBe('image/png');
    expect(uploadContentType('text/plain; charset="utf-8"')).toBe('text/plain; charset="utf-8"');
    for (const bad of ['png', 'image/', 'image/png; charset', 'a b/c', 'text/plain\r\nX-Evil: 1']) {
      expect(errcode(() => uploadContentType(bad))).toBe('M_INVALID_PARAM');
    }
  });

  test("a remote server's Content-Type is kept only if it is a media type", () => {
    expect(remoteContentType('image/png')).toBe('image/png');
    expect(remoteContentType(' text/plain; charset=utf-8 ')).toBe('text/plain; charset=utf-8');
    for (const bad of [null, '', 'png', 'image/png\u0000', 'x'.repeat(300) + '/y']) expect(remoteContentType(bad)).toBe('application/octet-stream');
  });

  test('filename: no control characters, at most 255 bytes', () => {
    expect(uploadFileName('ok.png')).toBe('ok.png');
    expect(uploadFileName('')).toBeUndefined();
    expect(errcode(() => uploadFileName('a\nb'))).toBe('M_INVALID_PARAM');
    expect(errcode(() => uploadFileName('é'.repeat(128)))).toBe('M_INVALID_PARAM');
  });
});

describe('mxc:// URI parts ("Security considerations")', () => {
  test('server names and media IDs are whitelisted', () => {
    for (const ok of ['example.org', 'example.org:8448', '1.2.3.4', '[::1]:8448', 'localhost']) expect(isValidServerName(ok)).toBe(true);
    for (const bad of ['', 'a/b', '../etc', 'exa mple.org', 'x:port']) expect(isValidServerName(bad)).toBe(false);
    for (const bad of ['..', 'a.b', 'a/b', '', 'a%2Fb', 'ü']) expect(isValidMediaId(bad)).toBe(false);
    expect(errcode(() => checkMxcParts('example.org', '../../etc/passwd'))).toBe('M_INVALID_PARAM');
    const id = newMediaId();
    expect(id).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(newMediaId()).not.toBe(id);
  });
});

describe('IP blocklist (url_preview_ip_range_blacklist)', () => {
  const list = new IpBlocklist(['127.0.0.0/8', '10.0.0.0/8', '169.254.0.0/16', '::1/128', 'fe80::/10', 'fc00::/7'], ['10.1.2.0/24']);
  test('IPv4, IPv6, IPv4-mapped IPv6, allow exceptions', () => {
    expect(list.blocks('127.0.0.1')).toBe(true);
    expect(list.blocks('10.9.9.9')).toBe(true);
    expect(list.blocks('10.1.2.3')).toBe(false); // allowed
    expect(list.blocks('169.254.169.254')).toBe(true);
    expect(list.blocks('8.8.8.8')).toBe(false);
    expect(list.blocks('::1')).toBe(true);
    expect(list.blocks('fe80::1%eth0')).toBe(true);
    expect(list.blocks('fd00::5')).toBe(true);
    expect(list.blocks('::ffff:127.0.0.1')).toBe(true);
    expect(list.blocks('::ffff:7f00:1')).toBe(true);
    expect(list.blocks('2001:4860::8888')).toBe(false);
    expect(list.blocks('not-an-ip')).toBe(true);
  });

  test('parsing', () => {
    expect(parseIp('1.2.3.4')).toEqual(new Uint8Array([1, 2, 3, 4]));
    expect(parseIp('::')).toEqual(new Uint8Array(16));
    expect(parseIp('1.2.3.256')).toBeNull();
    expect(parseIp('1::2::3')).toBeNull();
    expect(() => new IpBlocklist(['10.0.0.0/33'])).toThrow();
    expect(() => new IpBlocklist(['bogus'])).toThrow();
  });
});

describe('multipart/mixed media answers (Server-Server "Content Repository")', () => {
  const collect = async (it: AsyncIterable<Uint8Array>) => {
    const parts: Uint8Array[] = [];
    for await (const c of it) parts.push(c);
    return Buffer.concat(parts);
  };

  test('built answers parse back, whatever the chunking', async () => {
    const payload = new Uint8Array(5000).map((_, i) => (i * 7) % 256);
    payload.set(new TextEncoder().encode('\r\n--'), 100); // a near-delimiter inside the data
    const res = multipartMediaResponse({
      contentType: 'image/png',
      disposition: 'inline; filename="a.png"',
      size: payload.length,
      body: new Blob([payload]).stream(),
    });
    const raw = new Uint8Array(await res.arrayBuffer());
    expect(Number(res.headers.get('content-length'))).toBe(raw.length);
    for (const size of [1, 7, 64, 4096, raw.length]) {
      const chunks = new ReadableStream<Uint8Array>({
        start(c) {
          for (let i = 0; i < raw.length; i += size) c.enqueue(raw.slice(i, i + size));
          c.close();
        },
      });
      const part = await parseMultipartMedia(res.headers.get('content-type')!, chunks);
      expect(part.headers['content-type']).toBe('image/png');
      expect(part.headers['content-disposition']).toBe('inline; filename="a.png"');
      expect(await collect(part.body)).toEqual(Buffer.from(payload));
    }
  });

  test('a Location part, and truncated or part-less answers', async () => {
    const body = (s: string) => new Blob([s]).stream();
    const loc = await parseMultipartMedia(
      'multipart/mixed; boundary="b1"',
      body('--b1\r\nContent-Type: application/json\r\n\r\n{}\r\n--b1\r\nLocation: https://cdn.example/x\r\n\r\n\r\n--b1--\r\n'),
    );
    expect(loc.headers.location).toBe('https://cdn.example/x');
    expect(await collect(loc.body)).toEqual(Buffer.alloc(0));
    await expect(parseMultipartMedia('multipart/mixed', body('x'))).rejects.toThrow('boundary');
    await expect(parseMultipartMedia('multipart/mixed; boundary=b', body('--b\r\n\r\n{}\r\n--b--\r\n'))).rejects.toThrow();
    const cut = await parseMultipartMedia('multipart/mixed; boundary=b', body('--b\r\n\r\n{}\r\n--b\r\n\r\nabcdef'));
    await expect(collect(cut.body)).rejects.toThrow('ends early');
  });
});
