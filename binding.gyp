{
  # The optional native backend (native/*.cc), built by scripts/build-native.mjs through node-gyp.
  # On x86-64 the AVX2 and AVX-512 kernels are separate static libraries compiled with their own -m
  # flags; the addon picks one at run time from cpuid, so the binary runs on any x86-64 CPU. Elsewhere
  # only the portable kernels are built.
  'target_defaults': {
    'cflags_cc!': ['-fno-exceptions', '-std=gnu++17'],
    'cflags_cc': ['-std=gnu++17', '-fexceptions', '-ffp-contract=fast', '-Wall', '-Wextra', '-Wno-psabi'],
    'cflags': ['-O3'],
    'xcode_settings': {
      'GCC_ENABLE_CPP_EXCEPTIONS': 'YES',
      'OTHER_CPLUSPLUSFLAGS': ['-std=gnu++17', '-ffp-contract=fast'],
    },
    'conditions': [
      ['target_arch=="x64"', {'defines': ['LNN_X86_ISAS']}],
      ['"<!(node -p \"process.env.LNN_NATIVE_ASAN || \'\'\")"=="1"', {
        'cflags': ['-fsanitize=address', '-fno-omit-frame-pointer', '-O1', '-g'],
        'ldflags': ['-fsanitize=address'],
      }],
    ],
  },
  'targets': [
    {
      'target_name': 'lnn_native',
      'sources': ['native/addon.cc', 'native/pool.cc', 'native/cpu.cc', 'native/isa_portable.cc'],
      'conditions': [
        ['target_arch=="x64"', {'dependencies': ['lnn_avx2', 'lnn_avx512']}],
      ],
    },
  ],
  'conditions': [
    ['target_arch=="x64"', {
      'targets': [
        {
          'target_name': 'lnn_avx2',
          'type': 'static_library',
          'sources': ['native/isa_avx2.cc', 'native/isa_avx512_layout.cc'],
          'cflags': ['-mavx2', '-mfma', '-fPIC'],
          'xcode_settings': {'OTHER_CFLAGS': ['-mavx2', '-mfma']},
        },
        {
          'target_name': 'lnn_avx512',
          'type': 'static_library',
          'sources': ['native/isa_avx512.cc'],
          'cflags': ['-mavx512f', '-mavx2', '-mfma', '-fPIC'],
          'xcode_settings': {'OTHER_CFLAGS': ['-mavx512f', '-mavx2', '-mfma']},
        },
      ],
    }],
  ],
}
