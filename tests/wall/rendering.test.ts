import { describe, expect, it } from 'vitest';
import { isSoftwareRenderer, resolveRendering, urlRendering } from '../../renderer/src/common/rendering';

describe('full or lite rendering', () => {
  it('knows software rasterisers by the names WebGL gives them', () => {
    for (const name of [
      'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
      'Google SwiftShader',
      'llvmpipe (LLVM 15.0.6, 256 bits)',
      'Mesa softpipe',
      'ANGLE (Microsoft, Microsoft Basic Render Driver Direct3D11 vs_5_0 ps_5_0)',
    ])
      expect(isSoftwareRenderer(name), name).toBe(true);
    for (const name of ['ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)', 'Phytium X100 GPU', 'AMD Radeon RX 550', 'Jingjia JM7201'])
      expect(isSoftwareRenderer(name), name).toBe(false);
  });

  it('auto is lite on software drawing or without WebGL, full on a GPU; full and lite are as set', () => {
    expect(resolveRendering('auto', () => 'Google SwiftShader')).toBe('lite');
    expect(resolveRendering('auto', () => null)).toBe('lite');
    expect(resolveRendering('auto', () => 'AMD Radeon RX 550')).toBe('full');
    expect(resolveRendering('full', () => 'Google SwiftShader')).toBe('full');
    expect(resolveRendering('lite', () => 'AMD Radeon RX 550')).toBe('lite');
  });

  it('an address may fix it with ?rendering=full|lite; anything else is ignored', () => {
    expect(urlRendering('?rendering=full')).toBe('full');
    expect(urlRendering('?lang=en-US&rendering=lite')).toBe('lite');
    expect(urlRendering('?rendering=fancy')).toBeNull();
    expect(urlRendering('')).toBeNull();
  });
});
