// texture.cpp: OpenGL ES 3 / desktop GL texture upload (the calls exist in both: GL 1.1 subset).
#include "texture.h"

#include "damage.h"

#ifdef __EMSCRIPTEN__
#include <GLES3/gl3.h>
#else
#include <GLFW/glfw3.h>
#endif

void TextureUpload(Texture& t, const uint8_t* rgba, int w, int h, bool nearest) {
  if (!t.id) {
    GLuint id = 0;
    glGenTextures(1, &id);
    t.id = id;
  }
  glBindTexture(GL_TEXTURE_2D, t.id);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, nearest ? GL_NEAREST : GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, nearest ? GL_NEAREST : GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
  t.w = w;
  t.h = h;
  DamageTexture(t.id);
}

void TextureFree(Texture& t) {
  if (t.id) {
    GLuint id = t.id;
    glDeleteTextures(1, &id);
  }
  t = Texture();
}
