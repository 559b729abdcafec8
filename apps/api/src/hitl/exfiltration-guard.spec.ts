import { HostList } from '../tools/net/host-list.js';
import { exfiltrationHold } from './exfiltration-guard.js';

describe('exfiltration policy', () => {
  const trusted = new HostList(['api.example.com', 'hooks.example.com:8443', '*.corp.example']);
  const attacker = new URL('https://attacker.example/?q=secret');

  it('taint: holds a request to an untrusted host only once the run has read untrusted content', () => {
    expect(exfiltrationHold('taint', null, attacker, trusted)).toBeNull();
    expect(exfiltrationHold('taint', 'outside data from http_request', attacker, trusted)).toBe(
      'the run has read untrusted content (outside data from http_request) and attacker.example is not a trusted destination',
    );
  });

  it('never holds a request to a trusted destination, on the ports its entry names', () => {
    for (const url of [
      'https://api.example.com/v1?q=x',
      'http://api.example.com/',
      'https://hooks.example.com:8443/',
    ]) {
      expect(exfiltrationHold('taint', 'a message from a telegram user', new URL(url), trusted)).toBeNull();
      expect(exfiltrationHold('strict', null, new URL(url), trusted)).toBeNull();
    }
    expect(exfiltrationHold('taint', 'x', new URL('https://db.corp.example/'), trusted)).toBeNull();
    expect(exfiltrationHold('taint', 'x', new URL('https://api.example.com:8080/'), trusted)).toBe(
      'the run has read untrusted content (x) and api.example.com:8080 is not a trusted destination',
    );
    expect(exfiltrationHold('taint', 'x', new URL('https://hooks.example.com/'), trusted)).not.toBeNull();
    expect(
      exfiltrationHold('taint', 'x', new URL('https://api.example.com.attacker.example/'), trusted),
    ).not.toBeNull();
  });

  it('strict holds every request to an untrusted host; off holds none', () => {
    expect(exfiltrationHold('strict', null, attacker, trusted)).toBe(
      'EXFILTRATION_GUARD=strict and attacker.example is not a trusted destination',
    );
    expect(exfiltrationHold('off', 'outside data from web_browse', attacker, trusted)).toBeNull();
  });

  it('does not count TOOL_ALLOWED_HOSTS-style private hosts as trusted unless listed', () => {
    expect(exfiltrationHold('taint', 'x', new URL('http://127.0.0.1:9000/'), new HostList([]))).toBe(
      'the run has read untrusted content (x) and 127.0.0.1:9000 is not a trusted destination',
    );
  });
});
