-- The five roles of the permission matrix (common/security/roles.ts, issue 9) replace
-- 'admin' and 'staff'. An administrator stays an administrator; 'staff' could do
-- everything but administration, which is what a clinician may do, so staff become
-- clinicians (an administrator narrows them to nurse or front desk afterwards).
-- The constraint is dropped by whatever name PostgreSQL gave the inline CHECK of 001.

DO $$
DECLARE c text;
BEGIN
  FOR c IN
    SELECT con.conname FROM pg_constraint con
    JOIN pg_class rel ON rel.oid = con.conrelid
    WHERE rel.relname = 'users' AND con.contype = 'c' AND pg_get_constraintdef(con.oid) LIKE '%role%'
  LOOP
    EXECUTE format('ALTER TABLE users DROP CONSTRAINT %I', c);
  END LOOP;
END $$;

UPDATE users SET role = CASE role WHEN 'admin' THEN 'administrator' WHEN 'staff' THEN 'clinician' ELSE role END;

ALTER TABLE users ADD CONSTRAINT users_role_check
  CHECK (role IN ('administrator', 'clinician', 'nurse', 'front-desk', 'auditor'));
