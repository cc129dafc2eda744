# ae_cuda_target(target): settings for a target with .cu sources. The project's compile options
# (-Wall, -march=native ...) are GCC's; nvcc rejects some of them, so they are kept for C++
# sources only; one CUDA runtime, the shared one. Included by common/cuda/CMakeLists.txt and
# cmake/Lesson00.cmake.
include_guard(GLOBAL)
function(ae_cuda_target target)
  get_target_property(_opts ${target} COMPILE_OPTIONS)
  set(_fixed "")
  if(_opts)
    foreach(o IN LISTS _opts)
      list(APPEND _fixed "$<$<COMPILE_LANGUAGE:CXX>:${o}>")
    endforeach()
  endif()
  set_target_properties(${target} PROPERTIES COMPILE_OPTIONS "${_fixed}"
    CUDA_STANDARD 17 CUDA_STANDARD_REQUIRED ON CUDA_RUNTIME_LIBRARY Shared)
  target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CUDA>:-Xcompiler=-Wall --expt-relaxed-constexpr>)
endfunction()
