int main_unused_soql;
