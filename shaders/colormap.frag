#version 300 es
// Maps one float per texel to a colour. u_mode 0: diverging blue-white-red around 0, for weights
// and gradients (value / u_scale in [-1, 1]); u_mode 1: sequential black-to-yellow for activations
// ((value - u_lo) / (u_hi - u_lo) in [0, 1]).
precision highp float;
uniform sampler2D u_values;
uniform int u_mode;
uniform float u_scale;
uniform float u_lo;
uniform float u_hi;
in vec2 v_uv;
out vec4 o_color;

vec3 diverging(float t) {  // t in [-1, 1]
  vec3 neg = vec3(0.13, 0.40, 0.80), mid = vec3(0.97, 0.97, 0.97), pos = vec3(0.80, 0.15, 0.15);
  return t < 0.0 ? mix(mid, neg, clamp(-t, 0.0, 1.0)) : mix(mid, pos, clamp(t, 0.0, 1.0));
}
vec3 sequential(float t) {  // t in [0, 1], a perceptually ordered dark-to-bright ramp
  t = clamp(t, 0.0, 1.0);
  vec3 c0 = vec3(0.05, 0.03, 0.15), c1 = vec3(0.55, 0.10, 0.50), c2 = vec3(0.98, 0.55, 0.20), c3 = vec3(0.99, 0.99, 0.75);
  return t < 0.5 ? mix(c0, c1, t * 2.0) : (t < 0.8 ? mix(c1, c2, (t - 0.5) / 0.3) : mix(c2, c3, (t - 0.8) / 0.2));
}
void main() {
  float v = texture(u_values, v_uv).r;
  vec3 c = u_mode == 0 ? diverging(v / max(u_scale, 1e-20)) : sequential((v - u_lo) / max(u_hi - u_lo, 1e-20));
  o_color = vec4(c, 1.0);
}
