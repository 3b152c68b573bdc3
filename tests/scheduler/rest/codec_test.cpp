int main_unused_codec;
