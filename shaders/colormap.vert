#version 300 es
// Draws a textured quad for a heatmap (feature map, filter, gradient, decision field).
// u_rect: x0, y0, x1, y1 in clip space.
uniform vec4 u_rect;
out vec2 v_uv;
void main() {
  vec2 corner = vec2(float(gl_VertexID & 1), float((gl_VertexID >> 1) & 1));
  v_uv = vec2(corner.x, 1.0 - corner.y);
  gl_Position = vec4(mix(u_rect.xy, u_rect.zw, corner), 0.0, 1.0);
}
