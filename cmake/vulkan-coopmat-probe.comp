#version 450
// The probe of cmake/VulkanShaderCompiler.cmake: the cooperative-matrix code the pinned llama.cpp's
// flash_attn_decode_phase_1.comp needs (its shader generator compiles it whatever glslc supports), in small.
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#extension GL_KHR_memory_scope_semantics : enable
#extension GL_KHR_cooperative_matrix : enable

layout(local_size_x = 32, local_size_y = 1, local_size_z = 1) in;
layout(binding = 0) readonly buffer A { float16_t a[]; };
layout(binding = 1) readonly buffer B { float16_t b[]; };
layout(binding = 2) buffer D { float d[]; };

void main() {
  coopmat<float16_t, gl_ScopeSubgroup, 8, 16, gl_MatrixUseA> matA;
  coopmat<float16_t, gl_ScopeSubgroup, 16, 16, gl_MatrixUseB> matB;
  coopmat<float, gl_ScopeSubgroup, 8, 16, gl_MatrixUseAccumulator> matD =
      coopmat<float, gl_ScopeSubgroup, 8, 16, gl_MatrixUseAccumulator>(0.0f);
  coopMatLoad(matA, a, 0, 16, gl_CooperativeMatrixLayoutRowMajor);
  coopMatLoad(matB, b, 0, 16, gl_CooperativeMatrixLayoutRowMajor);
  matD = coopMatMulAdd(matA, matB, matD);
  coopMatStore(matD, d, 0, 16, gl_CooperativeMatrixLayoutRowMajor);
}
