import { describe, expect, it } from 'vitest';
import { Channels } from '../../../src-core/contract/channels';
import { labMethods, methodNames } from '../../../src-core/contract/methods';
import { socketMethods } from '../../../src-core/contract/socket';

describe('the method registry', () => {
  it('lists its methods in its own order, and serve mode answers each of them', () => {
    expect(methodNames).toEqual(Object.keys(labMethods));
    expect(socketMethods).toEqual(methodNames);
  });

  it('gives each method its own lab: channel, none of them the event or the menu channel', () => {
    const channels = methodNames.map((name) => Channels[name]);
    expect(channels).toEqual(methodNames.map((name) => labMethods[name].channel));
    expect(new Set(channels).size).toBe(methodNames.length);
    for (const channel of channels) expect(channel).toMatch(/^lab:[a-z-]+$/);
    expect(channels).not.toContain(Channels.event);
    expect(channels).not.toContain(Channels.menuCommand);
    expect(Channels.menuCommand).not.toBe(Channels.event);
    expect(Object.keys(Channels).sort()).toEqual([...methodNames, 'event', 'menuCommand'].sort());
  });
});
